using System.Globalization;
using System.Text;

namespace Crossroads.Hosting.Metrics;

/// <summary>Formats a family in Prometheus text exposition format 0.0.4.</summary>
internal static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Write(StringBuilder builder, MetricFamily family)
    {
        if (!family.HasSeries)
        {
            return;
        }

        builder.Append("# HELP ").Append(family.Name).Append(' ');
        PrometheusNaming.AppendEscapedHelp(builder, family.Help);
        builder.Append('\n');
        builder.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');

        foreach (var (labels, cell) in family.Series())
        {
            switch (cell)
            {
                case ScalarCell scalar:
                    builder.Append(family.Name);
                    AppendLabels(builder, labels, null);
                    builder.Append(' ').Append(FormatValue(scalar.Value)).Append('\n');
                    break;
                case HistogramCell histogram:
                    WriteHistogram(builder, family, labels, histogram);
                    break;
            }
        }
    }

    private static void WriteHistogram(StringBuilder builder, MetricFamily family, LabelSet labels, HistogramCell cell)
    {
        Span<long> counts = cell.SlotCount <= 64 ? stackalloc long[cell.SlotCount] : new long[cell.SlotCount];
        cell.CopyCounts(counts);
        var sum = cell.Sum;
        long cumulative = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            cumulative += counts[i];
            var le = i < family.Bounds.Length ? FormatValue(family.Bounds[i]) : "+Inf";
            builder.Append(family.Name).Append("_bucket");
            AppendLabels(builder, labels, le);
            builder.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        builder.Append(family.Name).Append("_sum");
        AppendLabels(builder, labels, null);
        builder.Append(' ').Append(FormatValue(sum)).Append('\n');
        builder.Append(family.Name).Append("_count");
        AppendLabels(builder, labels, null);
        builder.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void AppendLabels(StringBuilder builder, LabelSet labels, string? le)
    {
        if (labels.Values.Length == 0 && le is null)
        {
            return;
        }

        builder.Append('{');
        for (var i = 0; i < labels.Values.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(labels.LabelNames[i]).Append("=\"");
            PrometheusNaming.AppendEscapedLabelValue(builder, labels.Values[i]);
            builder.Append('"');
        }

        if (le is not null)
        {
            builder.Append(labels.Values.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
        }

        builder.Append('}');
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        // Lower-case exponent as Go (and so Prometheus' own clients) prints it, so "le" labels match across exporters.
        _ => value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e'),
    };
}
