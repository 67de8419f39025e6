namespace Crossroads.ServiceRoutes.Caching;

/// <summary>
/// Picks a version of a weighted split. Weights are percentages summing to 100: a bucket 0..99 falls into one
/// version's share, walking versions in their (ordinal) order. With a sticky key the bucket is a hash of the key and the
/// split's key, identical on every replica and across restarts (unlike <see cref="string.GetHashCode()"/>), so one
/// caller keeps its version while the weights stay; without one the bucket is random.
/// </summary>
public static class SplitPicker
{
    /// <summary>The version for <paramref name="stickyKey"/> (or a random one when null).</summary>
    public static string Pick(WeightedSplit split, string? stickyKey)
    {
        ArgumentNullException.ThrowIfNull(split);
        int bucket = stickyKey is null ? Random.Shared.Next(100) : Bucket(split.Key, stickyKey);
        return Pick(split.Weights, bucket);
    }

    /// <summary>The version whose share holds <paramref name="bucket"/> (0..99).</summary>
    public static string Pick(SplitWeights weights, int bucket)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        string? last = null;
        int upper = 0;
        foreach (var (version, weight) in weights)
        {
            upper += weight;
            last = version;
            if (bucket < upper)
            {
                return version;
            }
        }

        return last ?? throw new ArgumentException("a split has at least one version", nameof(weights));
    }

    /// <summary>The sticky bucket (0..99) of <paramref name="stickyKey"/> under <paramref name="split"/>: FNV-1a (64-bit) over both.</summary>
    public static int Bucket(SplitKey split, string stickyKey)
    {
        ArgumentNullException.ThrowIfNull(stickyKey);
        ulong hash = 14695981039346656037UL;
        hash = Mix(hash, split.Tenant);
        hash = Mix(hash, split.Service);
        hash = Mix(hash, split.Env);
        hash = Mix(hash, stickyKey);
        return (int)(hash % 100);
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        // A separator, so ("ab","c") and ("a","bc") differ.
        return (hash ^ 0xFFFF) * 1099511628211UL;
    }
}
