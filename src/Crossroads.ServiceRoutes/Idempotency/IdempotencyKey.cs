namespace Crossroads.ServiceRoutes;

/// <summary>
/// Makes a write idempotent: the first write with this <see cref="Key"/> (per actor) is performed and its outcome
/// stored in the same transaction; a later write with the same key and <see cref="Fingerprint"/> performs nothing and
/// gets that first outcome again (<see cref="RouteWriteResult.Replayed"/>), one with another fingerprint gets
/// <see cref="RouteWriteStatus.IdempotencyConflict"/>. Keys live for <see cref="ServiceRouteStoreOptions.IdempotencyRetention"/>.
/// </summary>
/// <param name="Key">
/// The client's key (e.g. the <c>Idempotency-Key</c> header): 1..<see cref="RouteValidation.MaxIdempotencyKeyLength"/>
/// printable ASCII characters. Scoped by the write's actor: two actors may use the same key independently.
/// </param>
/// <param name="Fingerprint">
/// What identifies the request the key was first used with, computed by the caller (e.g. SHA-256 of method, path and
/// canonical body, hex): 1..<see cref="RouteValidation.MaxFingerprintLength"/> printable ASCII characters. Compared ordinally.
/// </param>
public sealed record IdempotencyKey(string Key, string Fingerprint);
