namespace Crossroads.Geocoding.Synthetic;

/// <summary>What <see cref="SyntheticBanWriter.Write"/> wrote.</summary>
/// <param name="Municipalities">Municipality documents.</param>
/// <param name="Streets">Street documents.</param>
/// <param name="Housenumbers">Housenumbers nested in the streets.</param>
public sealed record SyntheticBanStatistics(int Municipalities, int Streets, long Housenumbers);
