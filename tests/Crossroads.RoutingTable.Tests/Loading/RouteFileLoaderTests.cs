using System.Globalization;
using System.Text;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.RoutingTable.Tests.Loading;

public sealed class RouteFileLoaderTests : IDisposable
{
    private const string ThreeRoutes = "10.0.0.0/8;192.168.0.1\n10.1.0.0/16;192.168.0.2\n2001:db8::/32;fe80::1\n";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Plain_file_loads_every_route()
    {
        var table = Load(_dir.WriteText("routes.txt", ThreeRoutes));
        AssertThreeRoutes(table);
    }

    [Fact]
    public void Gzip_file_loads_every_route()
    {
        var table = Load(_dir.WriteBytes("routes.txt.gz", TempDirectory.Gzip(ThreeRoutes)));
        AssertThreeRoutes(table);
    }

    [Fact]
    public void Gzip_is_detected_by_magic_bytes_not_by_name()
    {
        AssertThreeRoutes(Load(_dir.WriteBytes("routes.txt", TempDirectory.Gzip(ThreeRoutes))));
        AssertThreeRoutes(Load(_dir.WriteText("plain-but-named.gz", ThreeRoutes)));
    }

    [Fact]
    public void CRLF_line_endings_load()
    {
        AssertThreeRoutes(Load(_dir.WriteText("crlf.txt", ThreeRoutes.Replace("\n", "\r\n", StringComparison.Ordinal))));
    }

    [Fact]
    public void Last_line_without_newline_loads()
    {
        AssertThreeRoutes(Load(_dir.WriteText("no-final-newline.txt", ThreeRoutes.TrimEnd('\n'))));
    }

    [Fact]
    public void Comments_blank_lines_and_surrounding_whitespace_are_skipped()
    {
        const string text =
            "# header comment\n\n   \n\t\n  # indented comment\n"
            + "  10.0.0.0/8 ; 192.168.0.1  \r\n"
            + "\t10.1.0.0/16\t;\t192.168.0.2\t\n"
            + "#10.2.0.0/16;192.168.0.3\n"
            + "2001:db8::/32;fe80::1\n\n# trailer\n";
        AssertThreeRoutes(Load(_dir.WriteText("comments.txt", text)));
    }

    [Fact]
    public void Repeated_pairs_count_once_even_when_written_differently()
    {
        const string text =
            "10.0.0.0/8;192.168.0.1\n10.0.0.0/8;192.168.0.1\n"
            + "10.0.0.0/255.0.0.0;192.168.0.1\n10.0.0.0/0.255.255.255;192.168.0.1\n10.0.0.0/08;192.168.0.1\n"
            + "2001:db8::/32;fe80::1\n2001:0db8:0:0::/32;FE80:0::1\n"
            + "10.0.0.0/8;192.168.0.2\n";
        var builder = RouteFileLoader.Load(_dir.WriteText("dups.txt", text));
        Assert.Equal(8, builder.Count); // the builder keeps every line; the table dedupes
        var snapshot = RouteTable.Create(builder).Current;
        Assert.Equal(3, snapshot.RouteCount);
        Assert.Equal(2, snapshot.PrefixCount);
    }

    [Fact]
    public void Empty_file_gives_an_empty_table()
    {
        var snapshot = Load(_dir.WriteBytes("empty.txt", []));
        Assert.Equal(0, snapshot.RouteCount);
        Assert.False(snapshot.TryLookup(IpAddress.Parse("10.0.0.1"), out _));
        Assert.False(snapshot.TryLookup(IpAddress.Parse("::1"), out _));
    }

    [Fact]
    public void File_with_only_comments_gives_an_empty_table()
    {
        var snapshot = Load(_dir.WriteText("comments-only.txt", "# one\n\n# two\r\n   # three"));
        Assert.Equal(0, snapshot.RouteCount);
        Assert.Equal(0, snapshot.PrefixCount);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "no separator")]
    [InlineData("10.0.0.0/8 192.168.0.1", "space instead of ';'")]
    [InlineData("10.0.0.0/8;192.168.0.1;192.168.0.2", "two separators")]
    [InlineData(";192.168.0.1", "empty prefix")]
    [InlineData("10.0.0.0/8;", "empty next hop")]
    [InlineData(";", "both empty")]
    [InlineData("10.0.0.1/8;192.168.0.1", "host bits set")]
    [InlineData("10.0.0.0/33;192.168.0.1", "length too long")]
    [InlineData("2001:db8::/129;fe80::1", "IPv6 length too long")]
    [InlineData("10.0.0.0/;192.168.0.1", "empty length")]
    [InlineData("10.0.0.0/+8;192.168.0.1", "signed length")]
    [InlineData("10.0.0.0/255.0.255.0;192.168.0.1", "non-contiguous netmask")]
    [InlineData("010.0.0.0/8;192.168.0.1", "leading zero in prefix")]
    [InlineData("10.0.0/24;192.168.0.1", "three octets")]
    [InlineData("10.0.0.0/8;192.168.0", "short next hop")]
    [InlineData("10.0.0.0/8;192.168.0.01", "leading zero in next hop")]
    [InlineData("10.0.0.0/8;192.168.0.1/32", "next hop with a length")]
    [InlineData("10.0.0.0/8;fe80::1%eth0", "next hop with a zone id")]
    [InlineData("2001:db8:::/48;fe80::1", "':::'")]
    [InlineData("2001:db8::/32;fe80::1::2", "two '::'")]
    [InlineData("garbage", "not a route")]
    [InlineData("10.0.0.0/8;192.168.0.1 # note", "trailing comment")]
    [InlineData("10.0.0.0/8;192.168.0.é", "non-ASCII")]
    public void Malformed_line_names_file_line_number_and_text(string badLine, string shape)
    {
        // Good lines, comments and blank lines before it, so the line number is not trivially 1.
        string text = "# routes\n10.0.0.0/8;192.168.0.1\n\n  # indented\n2001:db8::/32;fe80::1\n" + badLine + "\n10.1.0.0/16;192.168.0.2\n";
        foreach ((string name, byte[] bytes, string newline) in new[]
        {
            ("bad.txt", Encoding.UTF8.GetBytes(text), "LF"),
            ("bad-crlf.txt", Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal)), "CRLF"),
            ("bad.txt.gz", TempDirectory.Gzip(text), "gzip"),
        })
        {
            string path = _dir.WriteBytes(name, bytes);
            var e = Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(path));
            Assert.True(e.LineNumber == 6, $"{shape} ({newline}): line number {e.LineNumber}, expected 6");
            Assert.True(e.LineText == badLine, $"{shape} ({newline}): line text '{e.LineText}', expected '{badLine}'");
            Assert.Equal(path, e.Path);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains(":6:", e.Message, StringComparison.Ordinal);
            Assert.Contains(badLine, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Stream_overload_uses_the_given_name_in_errors()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("10.0.0.0/8;192.168.0.1\nnope\n"));
        var e = Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(stream, "inline-routes"));
        Assert.Equal("inline-routes", e.Path);
        Assert.Equal(2, e.LineNumber);
        Assert.Equal("nope", e.LineText);
    }

    [Fact]
    public void Line_numbers_stay_right_past_the_read_buffer_and_a_line_longer_than_it()
    {
        // The loader reads 1 MiB blocks: put a 3 MiB comment line and ~150k lines before the bad one.
        var text = new StringBuilder();
        text.Append("# ").Append('x', 3 << 20).Append('\n');
        int line = 1;
        for (int i = 0; i < 150_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}/32;192.168.0.{i % 3}\r\n");
            line++;
        }

        var good = RouteFileLoader.Load(_dir.WriteText("big.txt", text.ToString()));
        Assert.Equal(150_000, RouteTable.Create(good).Current.RouteCount);

        text.Append("10.0.0.0/8;192.168.0.256\n");
        line++;
        string path = _dir.WriteBytes("big-bad.txt.gz", TempDirectory.Gzip(text.ToString()));
        var e = Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(path));
        Assert.Equal(line, e.LineNumber);
        Assert.Equal("10.0.0.0/8;192.168.0.256", e.LineText);
    }

    [Fact]
    public void Truncated_gzip_is_an_error()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"10.{i >> 8}.{i & 255}.0/24;192.168.0.1\n");
        }

        byte[] gz = TempDirectory.Gzip(text.ToString());
        string half = _dir.WriteBytes("half.txt.gz", gz[..(gz.Length / 2)]);
        Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(half));
    }

    [Fact]
    public void Gzip_truncated_at_a_line_boundary_is_an_error()
    {
        // Cutting mid-line is caught by luck (the partial last line is malformed). Cut right after a
        // sync-flushed block instead: what decompresses is complete, valid lines, and only the missing
        // end of the deflate stream and the trailer tell that half the table is gone.
        var first = new StringBuilder();
        var second = new StringBuilder();
        for (int i = 0; i < 1000; i++)
        {
            (i < 500 ? first : second).Append(CultureInfo.InvariantCulture, $"10.{i >> 8}.{i & 255}.0/24;192.168.0.1\n");
        }

        using var output = new MemoryStream();
        int cut;
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(first.ToString()));
            gzip.Flush();
            cut = (int)output.Length;
            gzip.Write(Encoding.UTF8.GetBytes(second.ToString()));
        }

        string whole = _dir.WriteBytes("whole.txt.gz", output.ToArray());
        Assert.Equal(1000, RouteTable.Create(RouteFileLoader.Load(whole)).Current.RouteCount);

        string path = _dir.WriteBytes("cut.txt.gz", output.ToArray()[..cut]);
        RouteListBuilder? loaded = null;
        var e = Record.Exception(() => loaded = RouteFileLoader.Load(path));
        Assert.True(
            e is RouteFileException,
            $"expected RouteFileException for a gzip file cut after {cut} of {output.Length} bytes; got "
            + (e is null ? $"a silent partial load of {loaded!.Count} of 1000 routes" : e.GetType().Name));
    }

    [Fact]
    public void Gzip_missing_its_trailer_is_an_error()
    {
        // Every line decompresses; only the CRC32/ISIZE trailer (last 8 bytes) is gone. The table would be
        // complete by luck, but a file that fails its integrity check must not be served.
        byte[] gz = TempDirectory.Gzip(ThreeRoutes);
        string path = _dir.WriteBytes("no-trailer.txt.gz", gz[..^8]);
        Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(path));
    }

    [Fact]
    public void Gzip_with_a_corrupt_crc_is_an_error()
    {
        byte[] gz = TempDirectory.Gzip(ThreeRoutes);
        gz[^8] ^= 0xFF;
        string path = _dir.WriteBytes("bad-crc.txt.gz", gz);
        Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(path));
    }

    [Fact]
    public void Missing_file_is_an_IO_error()
    {
        Assert.ThrowsAny<IOException>(() => RouteFileLoader.Load(Path.Combine(_dir.Path, "absent.txt")));
    }

    private static RouteTableSnapshot Load(string path) => RouteTable.Create(RouteFileLoader.Load(path)).Current;

    private static void AssertThreeRoutes(RouteTableSnapshot snapshot)
    {
        Assert.Equal(3, snapshot.RouteCount);
        Assert.True(snapshot.TryLookup(IpAddress.Parse("10.1.2.3"), out Route a));
        Assert.Equal((IpPrefix.Parse("10.1.0.0/16"), IpAddress.Parse("192.168.0.2")), (a.Prefix, a.NextHop));
        Assert.True(snapshot.TryLookup(IpAddress.Parse("10.2.0.0"), out Route b));
        Assert.Equal((IpPrefix.Parse("10.0.0.0/8"), IpAddress.Parse("192.168.0.1")), (b.Prefix, b.NextHop));
        Assert.True(snapshot.TryLookup(IpAddress.Parse("2001:db8:ffff::1"), out Route c));
        Assert.Equal((IpPrefix.Parse("2001:db8::/32"), IpAddress.Parse("fe80::1")), (c.Prefix, c.NextHop));
        Assert.False(snapshot.TryLookup(IpAddress.Parse("11.0.0.0"), out _));
    }
}
