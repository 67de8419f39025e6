using System.Buffers.Text;
using System.Text.Json;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Tokens;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Validates OpenAI's image content part <c>{"type":"image_url","image_url":{"url","detail"}}</c> before anything
/// is routed, so a bad image costs no upstream call and its error names the member: the URL is either an inline
/// <c>data:image/(png|jpeg|gif|webp);base64,...</c> image with valid base64 of at most
/// <see cref="MaxBase64Chars"/> characters, or an absolute <c>https://</c> / <c>http://</c> URL (the upstream fetches
/// it; the router never does); <c>detail</c> is <c>auto</c>, <c>low</c> or <c>high</c>. The four media types are
/// the ones both OpenAI and Anthropic take, so a request accepted here can go to either.
/// </summary>
internal static class ImageUrlParser
{
    /// <summary>
    /// The most base64 characters of one inline image: Anthropic's per-image limit (5 MiB, measured on the encoded
    /// data as its errors report it; OpenAI's is larger), so an image no upstream kind would refuse for its size.
    /// </summary>
    public const int MaxBase64Chars = 5 * 1024 * 1024;

    private static readonly string[] MediaTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    /// <summary>The image of <paramref name="part"/> (at <paramref name="at"/>, e.g. <c>messages[0].content[1]</c>), or the error naming the member at fault.</summary>
    public static (ImagePart? Image, RequestError? Error) Parse(JsonElement part, string at)
    {
        if (!part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"'{at}.image_url' is required and must be an object with a 'url'.", at + ".image_url");
        }

        string urlAt = at + ".image_url.url";
        if (!image.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String || urlElement.GetString() is not { Length: > 0 } url)
        {
            return Invalid($"'{urlAt}' is required and must be a string.", urlAt);
        }

        string? detail = null;
        if (image.TryGetProperty("detail", out var detailElement) && detailElement.ValueKind != JsonValueKind.Null)
        {
            detail = detailElement.ValueKind == JsonValueKind.String ? detailElement.GetString() : null;
            if (detail is not ("auto" or "low" or "high"))
            {
                return Invalid($"'{at}.image_url.detail' must be auto, low or high.", at + ".image_url.detail");
            }
        }

        var error = url.StartsWith(ImagePart.DataPrefix, StringComparison.OrdinalIgnoreCase) ? DataUrlError(url, urlAt) : WebUrlError(url, urlAt);
        if (error is not null)
        {
            return (null, error);
        }

        // The size from the header only (a few bytes of base64 decoded): the token estimate's input; null when unreadable.
        int data = url.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase);
        var size = url.StartsWith(ImagePart.DataPrefix, StringComparison.OrdinalIgnoreCase) && data > 0 ? ImageHeader.FromBase64(url.AsSpan(data + 8)) : null;
        return (new ImagePart(url, detail, part.GetRawText()) { Size = size }, null);
    }

    private static RequestError? DataUrlError(string url, string urlAt)
    {
        var image = new ImagePart(url, null, string.Empty);
        if (image.MediaType is not { } mediaType || Array.IndexOf(MediaTypes, mediaType) < 0)
        {
            return new RequestError($"'{urlAt}' must be a data:image/(png|jpeg|gif|webp);base64,... URL or an https:// or http:// URL.", urlAt);
        }

        var data = image.Base64Data!;
        if (data.Length > MaxBase64Chars)
        {
            return new RequestError(FormattableString.Invariant($"'{urlAt}' holds {data.Length} base64 characters; an inline image may have at most {MaxBase64Chars} (send a larger one by https URL)."), urlAt, "image_too_large");
        }

        return data.Length > 0 && Base64.IsValid(data.AsSpan()) && !data.AsSpan().ContainsAny(" \t\r\n")
            ? null
            : new RequestError($"'{urlAt}' is a data URL whose data is not valid base64.", urlAt);
    }

    private static RequestError? WebUrlError(string url, string urlAt) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0
            ? null
            : new RequestError($"'{urlAt}' must be a data:image/(png|jpeg|gif|webp);base64,... URL or an https:// or http:// URL.", urlAt);

    private static (ImagePart?, RequestError?) Invalid(string message, string param) => (null, new RequestError(message, param));
}
