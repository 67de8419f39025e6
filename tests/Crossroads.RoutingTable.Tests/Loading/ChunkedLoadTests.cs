using System.Globalization;
using System.Text;
using Crossroads.RoutingTable.Addressing;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.RoutingTable.Tests.Loading;

/// <summary>
/// The loader parses a file in chunks on several threads and joins them: with tiny chunk and read sizes (many chunks,
/// lines cut at every place) the table and the errors must be exactly those of one chunk read sequentially.
/// </summary>
public sealed class ChunkedLoadTests : IDisposable
{
    private const int Seed = 5151;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 7, 3 }, { 64, 16 }, { 1000, 100 }, { 4096, 4096 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Chunked_load_gives_the_table_of_a_single_chunk(int chunkSize, int readSize)
    {
        string text = RandomFile(new Random(Seed), 3000);
        foreach (string path in new[] { _dir.WriteText("routes.txt", text), _dir.WriteBytes("routes.txt.gz", TempDirectory.Gzip(text)) })
        {
            var expected = Routes(RouteFileLoader.Load(path, int.MaxValue / 4, 1 << 20));
            var actual = Routes(RouteFileLoader.Load(path, chunkSize, readSize));
            Assert.Equal(expected.Count, actual.Count);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_first_bad_line_in_the_file_is_reported_with_its_number(int chunkSize, int readSize)
    {
        var lines = RandomFile(new Random(Seed), 2000).Split('\n').ToList();
        lines[1500] = "10.0.0.0/8;not-an-address";
        lines[1900] = "garbage";
        lines[700] = "10.0.0.1/8;192.168.0.1";
        string text = string.Join('\n', lines);
        foreach (string path in new[] { _dir.WriteText("bad.txt", text), _dir.WriteBytes("bad.txt.gz", TempDirectory.Gzip(text)) })
        {
            var e = Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(path, chunkSize, readSize));
            Assert.Equal(701, e.LineNumber);
            Assert.Equal("10.0.0.1/8;192.168.0.1", e.LineText);
        }
    }

    [Fact]
    public void A_bad_line_before_gzip_damage_is_reported_as_the_bad_line()
    {
        var lines = RandomFile(new Random(Seed), 20000).Split('\n').ToList();
        lines[10] = "garbage";
        byte[] gzip = TempDirectory.Gzip(string.Join('\n', lines));
        // Damage the deflate data well after the bad line (and the CRC trailer with it).
        for (int i = gzip.Length / 2; i < gzip.Length / 2 + 64; i++)
        {
            gzip[i] ^= 0x5A;
        }

        string path = _dir.WriteBytes("damaged.txt.gz", gzip);
        var e = Assert.Throws<RouteFileException>(() => RouteFileLoader.Load(path, 256, 64));
        Assert.Equal(11, e.LineNumber);
    }

    // Routes, comments, blank lines, CRLF and surrounding spaces, repeated pairs, both families, many next hops.
    private static string RandomFile(Random random, int count)
    {
        var text = new StringBuilder("# random routes\n");
        for (int i = 0; i < count; i++)
        {
            bool v6 = random.Next(4) == 0;
            int length = v6 ? random.Next(16, 65) : random.Next(8, 33);
            UInt128 bits = v6 ? new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()) : (uint)random.Next();
            var network = new IpPrefix(
                v6 ? IpAddress.V6(bits & IpPrefix.NetworkMask(128, length)) : IpAddress.V4((uint)(bits & IpPrefix.NetworkMask(32, length))),
                length);
            string nextHop = random.Next(3) == 0 ? $"fe80::{random.Next(1, 40):x}" : $"192.168.{random.Next(0, 40)}.1";
            string line = random.Next(10) switch
            {
                0 => string.Empty,
                1 => "  # comment " + i.ToString(CultureInfo.InvariantCulture),
                2 => $" {network} ; {nextHop}\r",
                _ => $"{network};{nextHop}",
            };
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static List<string> Routes(RouteListBuilder builder)
    {
        var snapshot = RouteTable.Create(builder).Current;
        return Enumerable.Range(0, snapshot.RouteCount).Select(i => snapshot.GetRoute(i).ToString()).ToList();
    }
}
