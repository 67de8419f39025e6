using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Crossroads.Hosting;

/// <summary>
/// Where the server listens when no <c>--urls</c>, <c>ASPNETCORE_URLS</c> or <c>Kestrel:Endpoints</c> says so; section
/// <c>Listen</c>, also read from <c>HOST</c> and <c>PORT</c> as the Python services took them.
/// </summary>
public sealed class ListenOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Listen";

    /// <summary>Legacy names: <c>HOST</c> and <c>PORT</c>.</summary>
    public static IReadOnlyList<ConfigurationAlias> Aliases { get; } = [new("HOST", nameof(Host)), new("PORT", nameof(Port))];

    /// <summary>Listen address (an IPv6 literal is bracketed for the URL).</summary>
    [Description("Listen address when no --urls / ASPNETCORE_URLS / Kestrel:Endpoints is given (wins over ASPNETCORE_HTTP_PORTS).")]
    [Required]
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Listen port.</summary>
    [Description("Listen port, as Host.")]
    [Range(1, 65535)]
    public int Port { get; set; } = 8000;

    /// <summary>The listen URL.</summary>
    public string Url() =>
        Host.Contains(':', StringComparison.Ordinal) && !Host.StartsWith('[') ? $"http://[{Host}]:{Port}" : $"http://{Host}:{Port}";
}
