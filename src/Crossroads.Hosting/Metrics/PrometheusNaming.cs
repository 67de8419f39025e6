using System.Text;

namespace Crossroads.Hosting.Metrics;

/// <summary>
/// Maps instrument and tag names to Prometheus names. Modules rely on the rule: invalid characters become <c>_</c>,
/// counters get <c>_total</c> unless they already end with it, and no unit suffix is ever added.
/// </summary>
internal static class PrometheusNaming
{
    public static string MetricName(string instrumentName, bool isCounter)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        return isCounter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    public static string LabelName(string tagName) => Sanitize(tagName, allowColon: false);

    /// <summary>Metric names match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names the same without colons.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>Label values escape backslash, double quote and line feed (exposition format 0.0.4).</summary>
    public static void AppendEscapedLabelValue(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                default: builder.Append(c); break;
            }
        }
    }

    /// <summary>HELP text escapes only backslash and line feed.</summary>
    public static void AppendEscapedHelp(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': break;
                default: builder.Append(c); break;
            }
        }
    }
}
