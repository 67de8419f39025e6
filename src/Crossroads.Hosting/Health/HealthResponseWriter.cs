using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Hosting.Health;

/// <summary>
/// Writes probe results as <c>{"status":"Healthy","durationMs":0.1,"checks":{"name":{"status":..,"durationMs":..,"description":..}}}</c>
/// so an operator can see which check holds readiness back.
/// </summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 3));
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 3));
            if (entry.Description is not null)
            {
                writer.WriteString("description", entry.Description);
            }

            if (entry.Data.Count > 0)
            {
                WriteData(writer, entry.Data);
            }

            // The exception message helps operators; the stack trace stays in the logs.
            if (entry.Exception is not null)
            {
                writer.WriteString("error", entry.Exception.Message);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A check's figures (a module's document counts, ...) as JSON scalars; anything else as its text.</summary>
    private static void WriteData(Utf8JsonWriter writer, IReadOnlyDictionary<string, object> data)
    {
        writer.WriteStartObject("data");
        foreach (var (key, value) in data)
        {
            switch (value)
            {
                case bool flag:
                    writer.WriteBoolean(key, flag);
                    break;
                case int number:
                    writer.WriteNumber(key, number);
                    break;
                case long number:
                    writer.WriteNumber(key, number);
                    break;
                case double number when double.IsFinite(number):
                    writer.WriteNumber(key, number);
                    break;
                case null:
                    writer.WriteNull(key);
                    break;
                default:
                    writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        writer.WriteEndObject();
    }
}
