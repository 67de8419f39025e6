namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// An image of a user message, as OpenAI's content part <c>{"type":"image_url","image_url":{"url","detail"}}</c>
/// carries it: <paramref name="Url"/> is either a <c>data:image/(png|jpeg|gif|webp);base64,...</c> URL (validated by
/// the request parser) or an <c>http(s)</c> URL; <paramref name="Json"/> is the client's whole part, sent unchanged to
/// OpenAI-compatible upstreams. Other protocols are given the parsed pieces (<see cref="MediaType"/>,
/// <see cref="Base64Data"/>) without decoding the image: the router never looks at the pixels.
/// </summary>
public sealed record ImagePart(string Url, string? Detail, string Json)
{
    /// <summary>The prefix every inline image's URL starts with.</summary>
    public const string DataPrefix = "data:";

    private const string Base64Marker = ";base64,";

    /// <summary>Whether the image travels inline (a data URL) rather than by reference.</summary>
    public bool IsData => Url.StartsWith(DataPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The media type of an inline image (<c>image/png</c>, ...), lower case; null for an http(s) URL.</summary>
    public string? MediaType => IsData && Url.IndexOf(Base64Marker, StringComparison.OrdinalIgnoreCase) is int end and > 0
        ? Url[DataPrefix.Length..end].ToLowerInvariant()
        : null;

    /// <summary>
    /// The size an inline image's header states (<see cref="Tokens.ImageHeader"/>), set by the request parser; null for
    /// an http(s) URL or a header that could not be read, which the token estimate counts as the largest image.
    /// </summary>
    public Tokens.ImageSize? Size { get; init; }

    /// <summary>The base64 text of an inline image (after <c>;base64,</c>); null for an http(s) URL.</summary>
    public string? Base64Data => IsData && Url.IndexOf(Base64Marker, StringComparison.OrdinalIgnoreCase) is int end and > 0
        ? Url[(end + Base64Marker.Length)..]
        : null;
}
