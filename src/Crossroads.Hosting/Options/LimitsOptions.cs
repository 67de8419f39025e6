using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>Request size and time limits, bound from the <c>Limits</c> section.</summary>
public sealed class LimitsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Limits";

    /// <summary>Longest accepted request target (path plus query) in characters; longer gets 414.</summary>
    [Description("Longest request target (path and query) in characters; longer gets 414.")]
    public int MaxUrlLength { get; set; } = 2048;

    /// <summary>Largest total size of request headers in bytes (Kestrel answers 431 itself).</summary>
    [Description("Largest total request header size in bytes; larger gets 431.")]
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Largest accepted request body in bytes; larger gets 413.</summary>
    [Description("Largest request body in bytes; larger gets 413.")]
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>Seconds a request may run before it is cancelled and answered with 504.</summary>
    [Description("Seconds before a request is cancelled and answered with 504.")]
    public double RequestTimeoutSeconds { get; set; } = 30;
}
