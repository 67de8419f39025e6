using Crossroads.ModelRouting.Tokens;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// <see cref="ImageHeader"/>: the size of each format from its header, whatever comes after it; truncated, corrupt
/// and random input gives null (unknown), never an exception.
/// </summary>
public sealed class ImageHeaderTests
{
    public static TheoryData<string, byte[], int, int> Images => new()
    {
        { "png", ImageBytes.Png(1024, 768), 1024, 768 },
        { "png large", ImageBytes.Png(40_000, 3), 40_000, 3 },
        { "gif", ImageBytes.Gif(640, 480), 640, 480 },
        { "webp lossy", ImageBytes.WebPLossy(1092, 1092), 1092, 1092 },
        { "webp lossless", ImageBytes.WebPLossless(16_384, 1), 16_384, 1 },
        { "webp extended", ImageBytes.WebPExtended(4096, 2048), 4096, 2048 },
        { "jpeg baseline", ImageBytes.Jpeg(2048, 4096), 2048, 4096 },
        { "jpeg progressive", ImageBytes.Jpeg(1, 65_535, sof: 0xC2), 1, 65_535 },
        { "jpeg sof15", ImageBytes.Jpeg(300, 200, sof: 0xCF), 300, 200 },
        { "jpeg fill bytes", ImageBytes.Jpeg(512, 512, fillBytes: true), 512, 512 },
        { "jpeg after 60 KB of EXIF", ImageBytes.Jpeg(3000, 2000, exifBytes: 60_000), 3000, 2000 },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Reads_the_size_from_the_header(string format, byte[] bytes, int width, int height)
    {
        Assert.Equal(new ImageSize(width, height), ImageHeader.FromBase64(Convert.ToBase64String(bytes)));
        Assert.Equal(new ImageSize(width, height), ImageHeader.FromBase64(Convert.ToBase64String(bytes).TrimEnd('=')));
        Assert.NotNull(format);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_truncated_image_gives_its_size_only_when_the_header_is_whole_and_never_throws(string format, byte[] bytes, int width, int height)
    {
        int whole = Enumerable.Range(1, bytes.Length).Reverse().TakeWhile(n => ImageHeader.FromBase64(Convert.ToBase64String(bytes[..n])) is not null).Last();
        // Every prefix of a short image; of the 60 KB one, a sample (encoding every prefix would take seconds) and its last 100.
        var lengths = bytes.Length <= 1000 ? Enumerable.Range(0, bytes.Length) : Enumerable.Range(0, bytes.Length).Where(n => n % 97 == 0 || n >= bytes.Length - 100);
        foreach (int n in lengths)
        {
            var size = ImageHeader.FromBase64(Convert.ToBase64String(bytes[..n]));
            Assert.True(n < whole ? size is null : size == new ImageSize(width, height), $"{format}: {n} of {bytes.Length} bytes gave {size}");
        }

        // The size sits in the first bytes of every format but JPEG, whose frame header follows the other segments.
        Assert.True(format.StartsWith("jpeg", StringComparison.Ordinal) ? whole > 20 : whole <= 30, $"{format}: whole at {whole}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("!!!!")]
    [InlineData("iVBO")]
    [InlineData("iVBORw0KGgoAAAANSUhEUgAA!AEAAAABCAQAAAC1HAwC")]
    [InlineData("aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGFuIGltYWdl")]
    public void Not_an_image_or_not_base64_is_unknown(string base64) => Assert.Null(ImageHeader.FromBase64(base64));

    [Fact]
    public void Corrupt_headers_are_unknown()
    {
        byte[] badSignature = ImageBytes.Png(10, 10);
        badSignature[3] = (byte)'X';
        byte[] zeroWidth = ImageBytes.Png(0, 10);
        byte[] notIhdr = ImageBytes.Png(10, 10);
        notIhdr[12] = (byte)'i';
        byte[] gif90 = ImageBytes.Gif(10, 10);
        gif90[4] = (byte)'0';
        byte[] webpNoStartCode = ImageBytes.WebPLossy(10, 10);
        webpNoStartCode[23] = 0;
        byte[] webpBadSignature = ImageBytes.WebPLossless(10, 10);
        webpBadSignature[20] = 0x2E;
        byte[] webpOtherChunk = ImageBytes.WebPExtended(10, 10);
        webpOtherChunk[15] = (byte)'Y';
        byte[] jpegNoFrame = [0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9]; // a scan before any frame header
        byte[] jpegShortLength = [0xFF, 0xD8, 0xFF, 0xE0, 0, 1, 0, 0, 0, 0];
        byte[] jpegPastEnd = [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0, 0, 0, 0];
        byte[] jpegNoMarker = [0xFF, 0xD8, 0x12, 0x34, 0, 0];
        byte[] jpegDnl = ImageBytes.Jpeg(100, 0); // height 0: defined later by a DNL segment
        byte[] jpegEndlessFill = [0xFF, 0xD8, .. Enumerable.Repeat((byte)0xFF, 1000), 0xC0, 0, 17, 8, 0, 10, 0, 10];

        Assert.All(
            new[] { badSignature, zeroWidth, notIhdr, gif90, webpNoStartCode, webpBadSignature, webpOtherChunk, jpegNoFrame, jpegShortLength, jpegPastEnd, jpegNoMarker, jpegDnl, jpegEndlessFill },
            bytes => Assert.Null(ImageHeader.FromBase64(Convert.ToBase64String(bytes))));
    }

    [Fact]
    public void A_jpeg_with_more_segments_than_are_walked_is_unknown_but_one_with_fewer_is_read()
    {
        static byte[] WithComments(int count) =>
            [0xFF, 0xD8, .. Enumerable.Range(0, count).SelectMany(static _ => new byte[] { 0xFF, 0xFE, 0, 3, (byte)'c' }), .. ImageBytes.Jpeg(7, 9)[2..]];

        Assert.Equal(new ImageSize(7, 9), ImageHeader.FromBase64(Convert.ToBase64String(WithComments(200))));
        Assert.Null(ImageHeader.FromBase64(Convert.ToBase64String(WithComments(300))));
    }

    [Fact]
    public void Random_bytes_after_each_signature_and_random_text_never_throw()
    {
        var random = new Random(20261203);
        byte[][] prefixes = [[], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, .. "IHDR"u8.ToArray()], "GIF89a"u8.ToArray(), [.. "RIFF\0\0\0\0WEBPVP8"u8.ToArray()], [0xFF, 0xD8, 0xFF]];
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n!";
        int known = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var prefix = prefixes[i % prefixes.Length];
            var bytes = new byte[prefix.Length + random.Next(0, 200)];
            random.NextBytes(bytes);
            prefix.CopyTo(bytes, 0);
            if (random.Next(4) == 0 && bytes.Length > prefix.Length + 1)
            {
                bytes[prefix.Length] = (byte)"NLX "[random.Next(4)]; // VP8 chunk kinds
            }

            known += ImageHeader.FromBase64(Convert.ToBase64String(bytes)) is { Width: > 0, Height: > 0 } ? 1 : 0;
            var text = new string([.. Enumerable.Range(0, random.Next(0, 64)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            Assert.True(ImageHeader.FromBase64(text) is null or { Width: > 0, Height: > 0 });
        }

        // Some random PNG, GIF and WebP headers state a size; the point is that none threw.
        Assert.InRange(known, 1, 20_000);
    }
}
