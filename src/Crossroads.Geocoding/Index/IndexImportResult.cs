namespace Crossroads.Geocoding.Index;

/// <summary>What an import wrote: the index file, its size, the live documents and the time it took.</summary>
public sealed record IndexImportResult(string IndexFile, long Bytes, int Documents, TimeSpan Elapsed);
