namespace Crossroads.ServiceRoutes;

/// <summary>
/// The rules for names, URLs and query bounds. The store applies them to every call; the HTTP layer can call them
/// first to answer with every error of a request at once.
/// </summary>
public static class RouteValidation
{
    /// <summary>What tenant, service, env and version names must match.</summary>
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$";

    /// <summary>The longest name (characters).</summary>
    public const int MaxNameLength = 63;

    /// <summary>The longest URL (characters).</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>The longest actor (<c>changed_by</c>) and correlation id (characters).</summary>
    public const int MaxActorLength = 256;

    /// <summary>The largest page or audit query limit.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The most versions in one split.</summary>
    public const int MaxSplitVersions = 100;

    /// <summary>The largest change feed batch.</summary>
    public const int MaxChangesLimit = 10_000;

    /// <summary>The longest idempotency key (characters, printable ASCII).</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>The longest request fingerprint of an idempotency key (characters, printable ASCII).</summary>
    public const int MaxFingerprintLength = 256;

    // Values quoted in messages are cut here, so a 2 MB name does not make a 2 MB error.
    private const int QuoteLength = 80;

    /// <summary>
    /// Whether <paramref name="value"/> matches <see cref="NamePattern"/>. A hand-written check rather than the regex:
    /// .NET's <c>$</c> also matches before a final newline, which would let <c>"team\n"</c> through.
    /// </summary>
    public static bool IsValidName(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxNameLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (char c in value.AsSpan(1))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The error for a name field, or null when it is valid.</summary>
    public static ValidationError? CheckName(string field, string? value) =>
        IsValidName(value) ? null : new ValidationError(field, $"must match {NamePattern}, got {Quote(value)}");

    /// <summary>
    /// The error for a route URL, or null when it is valid: an absolute http or https URL with a host, at most
    /// <see cref="MaxUrlLength"/> characters, without spaces or control characters (which <see cref="Uri"/> would
    /// silently escape, storing something other than what was sent).
    /// </summary>
    public static ValidationError? CheckUrl(string? url)
    {
        const string Field = "url";
        if (url is not null && url.Length > MaxUrlLength)
        {
            return new ValidationError(Field, $"must be at most {MaxUrlLength} characters, got {url.Length}");
        }

        bool valid = !string.IsNullOrEmpty(url)
            && !url.Any(static c => c <= ' ' || c == '\u007f')
            && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(uri.Host);
        return valid ? null : new ValidationError(Field, $"must be an absolute http or https URL with a host, got {Quote(url)}");
    }

    /// <summary>Every error of a key (each name field checked), empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(RouteKey key)
    {
        var errors = new List<ValidationError>(0);
        Add(errors, CheckName("tenant", key.Tenant));
        Add(errors, CheckName("service", key.Service));
        Add(errors, CheckName("env", key.Env));
        Add(errors, CheckName("version", key.Version));
        return errors;
    }

    /// <summary>Every error of a key and URL, empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(RouteKey key, string? url)
    {
        var errors = new List<ValidationError>(Validate(key));
        Add(errors, CheckUrl(url));
        return errors;
    }

    /// <summary>Every error of a split key, empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(SplitKey key)
    {
        var errors = new List<ValidationError>(0);
        Add(errors, CheckName("tenant", key.Tenant));
        Add(errors, CheckName("service", key.Service));
        Add(errors, CheckName("env", key.Env));
        return errors;
    }

    /// <summary>
    /// Every error of split weights: 1..<see cref="MaxSplitVersions"/> versions with valid names (field
    /// <c>weights.&lt;version&gt;</c>), each weight 1..100, summing to 100 (field <c>weights</c>).
    /// </summary>
    public static IReadOnlyList<ValidationError> CheckWeights(IReadOnlyDictionary<string, int>? weights)
    {
        const string Field = "weights";
        var errors = new List<ValidationError>(0);
        if (weights is null || weights.Count is 0 or > MaxSplitVersions)
        {
            errors.Add(new ValidationError(Field, $"must map 1 to {MaxSplitVersions} versions to weights, got {weights?.Count ?? 0}"));
            return errors;
        }

        foreach (var (version, weight) in weights.OrderBy(static w => w.Key, StringComparer.Ordinal))
        {
            if (!IsValidName(version))
            {
                errors.Add(new ValidationError(Field, $"version must match {NamePattern}, got {Quote(version)}"));
            }
            else if (weight is < 1 or > 100)
            {
                errors.Add(new ValidationError($"{Field}.{version}", $"must be between 1 and 100, got {weight}"));
            }
        }

        long sum = weights.Values.Sum(static w => (long)w);
        if (errors.Count == 0 && sum != 100)
        {
            errors.Add(new ValidationError(Field, $"must sum to 100, got {sum}"));
        }

        return errors;
    }

    /// <summary>Every error of a filter (only the names given are checked), empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(RouteFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var errors = new List<ValidationError>(0);
        if (filter.Tenant is not null)
        {
            Add(errors, CheckName("tenant", filter.Tenant));
        }

        if (filter.Service is not null)
        {
            Add(errors, CheckName("service", filter.Service));
        }

        if (filter.Env is not null)
        {
            Add(errors, CheckName("env", filter.Env));
        }

        return errors;
    }

    /// <summary>The error for an actor (<c>changed_by</c>): required, at most <see cref="MaxActorLength"/> characters, no control characters.</summary>
    public static ValidationError? CheckActor(string? actor) =>
        string.IsNullOrWhiteSpace(actor) || actor.Length > MaxActorLength || actor.Any(char.IsControl)
            ? new ValidationError("changed_by", $"must be 1 to {MaxActorLength} characters without control characters, got {Quote(actor)}")
            : null;

    /// <summary>The error for a correlation id: optional, at most <see cref="MaxActorLength"/> characters, no control characters.</summary>
    public static ValidationError? CheckCorrelationId(string? correlationId) =>
        correlationId is not null && (correlationId.Length > MaxActorLength || correlationId.Any(char.IsControl))
            ? new ValidationError("correlation_id", $"must be at most {MaxActorLength} characters without control characters, got {Quote(correlationId)}")
            : null;

    /// <summary>The error for a limit outside 1..<paramref name="max"/>.</summary>
    public static ValidationError? CheckLimit(int limit, int max = MaxLimit, string field = "limit") =>
        limit is >= 1 && limit <= max ? null : new ValidationError(field, $"must be between 1 and {max}, got {limit}");

    /// <summary>
    /// The errors of an idempotency key: the key 1..<see cref="MaxIdempotencyKeyLength"/> and the fingerprint
    /// 1..<see cref="MaxFingerprintLength"/> printable ASCII characters (space to tilde).
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(IdempotencyKey? idempotency)
    {
        var errors = new List<ValidationError>();
        if (idempotency is null)
        {
            return errors;
        }

        if (!IsPrintableAscii(idempotency.Key, MaxIdempotencyKeyLength))
        {
            errors.Add(new ValidationError("idempotency_key", $"must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters, got {Quote(idempotency.Key)}"));
        }

        if (!IsPrintableAscii(idempotency.Fingerprint, MaxFingerprintLength))
        {
            errors.Add(new ValidationError("idempotency_fingerprint", $"must be 1 to {MaxFingerprintLength} printable ASCII characters, got {Quote(idempotency.Fingerprint)}"));
        }

        return errors;
    }

    internal static void ThrowIfAny(List<ValidationError> errors)
    {
        if (errors.Count > 0)
        {
            throw new RouteValidationException(errors);
        }
    }

    internal static void Add(List<ValidationError> errors, ValidationError? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static bool IsPrintableAscii(string? value, int maxLength) =>
        !string.IsNullOrEmpty(value) && value.Length <= maxLength && value.All(static c => c is >= ' ' and <= '~');

    private static string Quote(string? value) => value switch
    {
        null => "null",
        { Length: > QuoteLength } => $"'{value[..QuoteLength]}…' ({value.Length} characters)",
        _ => $"'{value}'",
    };
}
