namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// One part of a message whose content mixes text and images, in the client's order: text (<see cref="Text"/>) or an
/// image (<see cref="Image"/>), exactly one of the two. Adapters need the order (a caption before or after its image
/// means something), which the joined text of <see cref="ChatMessage.Content"/> loses.
/// </summary>
public sealed record ContentPart
{
    private ContentPart(string? text, ImagePart? image)
    {
        Text = text;
        Image = image;
    }

    /// <summary>The text of a text part; null for an image.</summary>
    public string? Text { get; }

    /// <summary>The image of an image part; null for text.</summary>
    public ImagePart? Image { get; }

    /// <summary>A text part.</summary>
    public static ContentPart OfText(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>An image part.</summary>
    public static ContentPart OfImage(ImagePart image) => new(null, image ?? throw new ArgumentNullException(nameof(image)));

    /// <summary>The text of <paramref name="parts"/> joined (no separator, as the parser joins text parts), which is what <see cref="ChatMessage.Content"/> holds.</summary>
    public static string JoinedText(IReadOnlyList<ContentPart> parts) =>
        string.Concat((parts ?? throw new ArgumentNullException(nameof(parts))).Select(static p => p.Text));
}
