namespace Crossroads.Geocoding.Index;

/// <summary>
/// A uniform latitude/longitude grid over every point (housenumbers, then document centres): sorted cell keys, and
/// for each cell a contiguous run of point ids. Point id p &lt; housenumber count is housenumber p; otherwise it is
/// the centre of document p − housenumber count. Nearest-point queries visit rings of cells outwards and stop once
/// the ring's lower distance bound exceeds the k-th best distance.
/// </summary>
internal sealed class ReverseGrid
{
    /// <summary>Cell side in degrees (~110 m of latitude): a few dozen points per cell in dense towns.</summary>
    internal const double CellDegrees = 0.001;

    internal ReverseGrid(Column<long> cellKeys, Column<int> cellStart, Column<int> points, int housenumberCount)
    {
        CellKeys = cellKeys;
        CellStart = cellStart;
        Points = points;
        HousenumberCount = housenumberCount;
    }

    internal Column<long> CellKeys { get; }

    internal Column<int> CellStart { get; }

    internal Column<int> Points { get; }

    internal int HousenumberCount { get; }

    public long MemoryBytes => (CellKeys.LongLength * 8) + (CellStart.LongLength * 4) + (Points.LongLength * 4);

    internal static long CellOf(int latE7, int lonE7) => Key(LatIndex(latE7 / 1e7), LonIndex(lonE7 / 1e7));

    internal static long LatIndex(double lat) => (long)Math.Floor((lat + 90) / CellDegrees);

    internal static long LonIndex(double lon) => (long)Math.Floor((lon + 180) / CellDegrees);

    internal static long Key(long latIndex, long lonIndex) => (latIndex << 32) | (lonIndex & 0xffffffffL);

    /// <summary>The grid's three sections: sorted cell keys, CSR starts, point ids.</summary>
    internal static (long[] CellKeys, int[] CellStart, int[] Points) Build(int[] docLat, int[] docLon, int[] hnLat, int[] hnLon)
    {
        var total = hnLat.Length + docLat.Length;
        var keys = new long[total];
        var ids = new int[total];
        for (var h = 0; h < hnLat.Length; h++)
        {
            keys[h] = CellOf(hnLat[h], hnLon[h]);
            ids[h] = h;
        }
        for (var d = 0; d < docLat.Length; d++)
        {
            keys[hnLat.Length + d] = CellOf(docLat[d], docLon[d]);
            ids[hnLat.Length + d] = hnLat.Length + d;
        }
        Array.Sort(keys, ids);
        var cellKeys = new List<long>();
        var cellStart = new List<int>();
        for (var i = 0; i < total; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1])
            {
                cellKeys.Add(keys[i]);
                cellStart.Add(i);
            }
        }
        cellStart.Add(total);
        return ([.. cellKeys], [.. cellStart], ids);
    }

    /// <summary>The run of point ids in a cell (empty when the cell holds none).</summary>
    internal ReadOnlySpan<int> Cell(long latIndex, long lonIndex)
    {
        var i = CellKeys.Span.BinarySearch(Key(latIndex, lonIndex));
        return i < 0 ? [] : Points.Slice(CellStart[i], CellStart[i + 1] - CellStart[i]);
    }
}
