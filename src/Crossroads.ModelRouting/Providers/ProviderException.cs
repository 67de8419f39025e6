namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// An upstream call failed. <see cref="Retryable"/> says whether another candidate may be tried (before any content
/// reached the client): connection errors, timeouts, 408/429/500/502/503/504/529 and 401/403/404 (a broken upstream,
/// not a bad request) are; 400/413/422 are the client's fault and pass through.
/// </summary>
public sealed class ProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderException(ProviderFailureKind kind, string message, int? statusCode = null, string? upstreamBody = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
        UpstreamBody = upstreamBody;
    }

    /// <summary>Creates an exception without details (for serializers and analyzers).</summary>
    public ProviderException()
        : this(ProviderFailureKind.Connection, "upstream failed")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ProviderException(string message)
        : this(ProviderFailureKind.Connection, message)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public ProviderException(string message, Exception innerException)
        : this(ProviderFailureKind.Connection, message, null, null, innerException)
    {
    }

    /// <summary>What failed.</summary>
    public ProviderFailureKind Kind { get; }

    /// <summary>The upstream's HTTP status, for <see cref="ProviderFailureKind.Status"/>.</summary>
    public int? StatusCode { get; }

    /// <summary>The upstream's error body (truncated), for pass-through errors.</summary>
    public string? UpstreamBody { get; }

    /// <summary>
    /// The request member an adapter could not map (e.g. <c>response_format</c>), for a refusal made before calling
    /// the upstream; the router names it as OpenAI's <c>error.param</c>. Null for the upstream's own errors.
    /// </summary>
    public string? Param { get; init; }

    /// <summary>How long the upstream asked us to wait before calling it again (its <c>Retry-After</c>), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// True for 401/403/404: the upstream itself is broken (key revoked, wrong address or model name), so its
    /// breaker opens at once instead of after repeated failures.
    /// </summary>
    public bool UpstreamMisconfigured => Kind == ProviderFailureKind.Status && StatusCode is 401 or 403 or 404;

    /// <summary>Whether the next candidate may be tried.</summary>
    public bool Retryable => Kind != ProviderFailureKind.Status || IsRetryableStatus(StatusCode ?? 0);

    /// <summary>Statuses after which the router moves to the next candidate.</summary>
    public static bool IsRetryableStatus(int status) => status is 401 or 403 or 404 or 408 or 409 or 429 or 500 or 502 or 503 or 504 or 529;
}
