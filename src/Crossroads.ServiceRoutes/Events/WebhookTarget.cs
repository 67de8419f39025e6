using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>One webhook endpoint of <see cref="ServiceRouteEventsOptions.Webhooks"/>.</summary>
public sealed class WebhookTarget
{
    /// <summary>The absolute http(s) URL each event is POSTed to.</summary>
    [Description("The absolute http(s) URL each event is POSTed to.")]
    [Required]
    [Url]
    public string Url { get; set; } = "";

    /// <summary>The shared secret of the <c>X-Crossroads-Signature</c> HMAC; the receiver verifies with the same value.</summary>
    [Description("The shared secret of the X-Crossroads-Signature HMAC-SHA256.")]
    [Required]
    [MinLength(16)]
    public string Secret { get; set; } = "";

    /// <summary>How long one POST may take before it counts as failed.</summary>
    [Description("How long one POST may take before it counts as a failure.")]
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
