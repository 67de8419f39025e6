namespace Crossroads.ModelRouting.Execution;

/// <summary>How a routed request ended.</summary>
public enum RouteStatus
{
    /// <summary>An attempt served the whole answer.</summary>
    Completed,

    /// <summary>The serving upstream failed after content reached the client (no fallback possible).</summary>
    FailedAfterContent,

    /// <summary>Every planned attempt failed before content.</summary>
    AllAttemptsFailed,

    /// <summary>An upstream refused the request as the client's fault (400/413/422): passed through, no fallback.</summary>
    UpstreamRejected,

    /// <summary>No candidate was eligible.</summary>
    NoEligibleModel,

    /// <summary>The tenant's budget cannot cover the reservation.</summary>
    BudgetExceeded,

    /// <summary>The client went away.</summary>
    Cancelled,
}
