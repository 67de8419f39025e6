namespace Crossroads.Hosting.Configuration;

/// <summary>Every options section the server binds, in registration order: the source of <c>--help</c>.</summary>
internal sealed class OptionsCatalog
{
    private readonly List<OptionsEntry> _entries = [];

    public IReadOnlyList<OptionsEntry> Entries => _entries;

    public void Add(OptionsEntry entry)
    {
        if (!_entries.Exists(e => string.Equals(e.Section, entry.Section, StringComparison.OrdinalIgnoreCase) && e.Type == entry.Type))
        {
            _entries.Add(entry);
        }
    }
}
