namespace Crossroads.Hosting.Auth;

/// <summary>Why a request was refused; the label of <c>http_auth_failures_total</c>.</summary>
internal enum AuthFailureReason
{
    /// <summary>Allowed: not a failure.</summary>
    None,

    /// <summary>401: the endpoint needs a key and none was presented.</summary>
    MissingKey,

    /// <summary>403: a key was presented and matches no configured key. Only this reason spends the failure budget.</summary>
    WrongKey,

    /// <summary>403: no keys are configured and a write came from a non-loopback address.</summary>
    NotLoopback,
}
