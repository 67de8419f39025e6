using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Crossroads.RoutingTable.Replication;

/// <summary>
/// The content hash of a base table: SHA-256 over its compiled routes (prefixes in table order, the next hops of each)
/// and its MAX_METRIC. Two routes files with the same routes hash the same whatever their line order, comments,
/// duplicates or compression; any other route, or another MAX_METRIC, changes it. ~20 ms on the full table.
/// </summary>
public static class TableFingerprint
{
    /// <summary>The lowercase hex SHA-256 of the table's routes and MAX_METRIC (metrics are not part of it).</summary>
    public static string Compute(RouteTableSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var set = snapshot.Set;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[16];
        BitConverter.TryWriteBytes(header, 1); // format version of this fingerprint
        BitConverter.TryWriteBytes(header[4..], snapshot.MaxMetric);
        BitConverter.TryWriteBytes(header[8..], set.V4PrefixCount);
        BitConverter.TryWriteBytes(header[12..], set.RouteCount);
        hash.AppendData(header);
        hash.AppendData(MemoryMarshal.AsBytes(set.V4Networks.AsSpan()));
        hash.AppendData(set.V4Lengths);
        hash.AppendData(MemoryMarshal.AsBytes(set.V6Networks.AsSpan()));
        hash.AppendData(set.V6Lengths);
        hash.AppendData(MemoryMarshal.AsBytes(set.RouteStart.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(set.RouteNextHop.AsSpan()));
        Span<byte> nextHop = stackalloc byte[17];
        foreach (var address in set.NextHops)
        {
            BitConverter.TryWriteBytes(nextHop, address.Value);
            nextHop[16] = address.IsV6 ? (byte)6 : (byte)4;
            hash.AppendData(nextHop);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
