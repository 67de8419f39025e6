using System.Text.Json;

namespace Crossroads.Hosting.Auth;

/// <summary>Reads <c>Auth:ApiKeysFile</c>: a JSON array of <c>{ "Name": ..., "Sha256": ... }</c>, property names in any case.</summary>
internal static class ApiKeyFileLoader
{
    /// <summary>Returns the entries, or an error naming what is wrong (the validator reports it as one line).</summary>
    public static bool TryLoad(string path, out List<ApiKeyEntry> entries, out string? error)
    {
        entries = [];
        error = null;
        if (!File.Exists(path))
        {
            error = $"file '{path}' does not exist";
            return false;
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                error = $"file '{path}' must contain a JSON array of {{\"Name\",\"Sha256\"}} objects";
                return false;
            }

            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    error = $"file '{path}' must contain only objects with Name and Sha256";
                    return false;
                }

                var entry = new ApiKeyEntry();
                foreach (var property in item.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (string.Equals(property.Name, "Name", StringComparison.OrdinalIgnoreCase))
                    {
                        entry.Name = property.Value.GetString() ?? "";
                    }
                    else if (string.Equals(property.Name, "Sha256", StringComparison.OrdinalIgnoreCase))
                    {
                        entry.Sha256 = property.Value.GetString() ?? "";
                    }
                }

                entries.Add(entry);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            error = $"file '{path}' could not be read: {ex.Message.ReplaceLineEndings(" ")}";
            return false;
        }
    }
}
