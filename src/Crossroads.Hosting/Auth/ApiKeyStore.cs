using System.Security.Cryptography;
using System.Text;
using Crossroads.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Auth;

/// <summary>
/// The configured key hashes (from <c>Auth:ApiKeys</c> and <c>Auth:ApiKeysFile</c>, read once at start). Only hashes
/// are held; a presented key is hashed and compared against every entry in constant time.
/// </summary>
internal sealed class ApiKeyStore
{
    private readonly byte[][] _hashes;
    private readonly string[] _names;

    public ApiKeyStore(IOptions<AuthOptions> options, ILogger<ApiKeyStore> logger)
        : this(Collect(options.Value))
    {
        if (_names.Length == 0)
        {
            HostingLog.NoApiKeysConfigured(logger);
        }
        else
        {
            HostingLog.ApiKeysLoaded(logger, _names.Length);
        }
    }

    internal ApiKeyStore(IReadOnlyList<ApiKeyEntry> entries)
    {
        _hashes = entries.Select(static e => Convert.FromHexString(e.Sha256)).ToArray();
        _names = entries.Select(static e => e.Name).ToArray();
    }

    public bool HasKeys => _names.Length > 0;

    /// <summary>
    /// Returns the name of the key whose hash matches, or null. Every configured hash is compared with
    /// <see cref="CryptographicOperations.FixedTimeEquals"/> and the loop never exits early, so timing reveals
    /// neither whether nor which key matched.
    /// </summary>
    public string? Match(ReadOnlySpan<char> presentedKey)
    {
        var byteCount = Encoding.UTF8.GetByteCount(presentedKey);
        // Keys are short; only absurdly long ones (still hashed, never rejected early) go to the heap.
        var heap = byteCount <= 512 ? null : new byte[byteCount];
        Span<byte> utf8 = heap ?? stackalloc byte[512];
        utf8 = utf8[..Encoding.UTF8.GetBytes(presentedKey, utf8)];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        CryptographicOperations.ZeroMemory(utf8);

        var match = -1;
        for (var i = 0; i < _hashes.Length; i++)
        {
            var equal = CryptographicOperations.FixedTimeEquals(hash, _hashes[i]);
            match = equal ? i : match;
        }

        return match >= 0 ? _names[match] : null;
    }

    private static List<ApiKeyEntry> Collect(AuthOptions options)
    {
        var entries = new List<ApiKeyEntry>(options.ApiKeys);
        if (!string.IsNullOrWhiteSpace(options.ApiKeysFile) && ApiKeyFileLoader.TryLoad(options.ApiKeysFile, out var fromFile, out _))
        {
            entries.AddRange(fromFile);
        }

        return entries;
    }
}
