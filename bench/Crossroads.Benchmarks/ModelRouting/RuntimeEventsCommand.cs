using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>
/// <c>runtime-events PID OUT_FILE SECONDS</c>: attaches to a running .NET process over EventPipe and writes, one line
/// each, <c>unix_us kind detail</c> for its garbage collections (suspension to restart, generation), JIT compilations
/// (method and tier), the bytes each collection promoted, thread-pool thread starts and adjustments and lock contention, for SECONDS. Lined up with the
/// per-request log of <c>latency</c>/<c>ttft</c> (<c>LATENCY_LOG</c>), it says which slow requests met which event.
/// </summary>
public static class RuntimeEventsCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: runtime-events PID OUT_FILE SECONDS");
            return 2;
        }

        int pid = int.Parse(args[0], CultureInfo.InvariantCulture);
        using var output = new StreamWriter(args[1]);
        double seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
        long keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Jit
            | ClrTraceEventParser.Keywords.Threading | ClrTraceEventParser.Keywords.Contention);
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, keywords)], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        void Write(TraceEvent e, string kind, string detail)
        {
            long us = (e.TimeStamp.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10;
            lock (output)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{us} {kind} {detail}"));
            }
        }

        source.Clr.GCSuspendEEStart += e => Write(e, "suspend", e.Reason.ToString());
        source.Clr.GCStart += e => Write(e, "gc-start", string.Create(CultureInfo.InvariantCulture, $"gen{e.Depth} {e.Reason} {e.Type}"));
        source.Clr.GCStop += e => Write(e, "gc-end", string.Create(CultureInfo.InvariantCulture, $"gen{e.Depth}"));
        source.Clr.GCRestartEEStop += e => Write(e, "restart", "-");
        // Bytes that survived the collection, out of gen0 and out of gen1: what a pause had to copy.
        source.Clr.GCHeapStats += e => Write(e, "heap-stats", string.Create(CultureInfo.InvariantCulture, $"{e.TotalPromotedSize0} {e.TotalPromotedSize1}"));
        source.Clr.MethodJittingStarted += e => Write(e, "jit-start", e.MethodNamespace + "::" + e.MethodName);
        source.Clr.MethodLoadVerbose += e => Write(e, "jit-done", e.OptimizationTier + " " + e.MethodNamespace + "::" + e.MethodName);
        source.Clr.ThreadPoolWorkerThreadStart += e => Write(e, "tp-start", string.Create(CultureInfo.InvariantCulture, $"{e.ActiveWorkerThreadCount}"));
        source.Clr.ThreadPoolWorkerThreadAdjustmentAdjustment += e => Write(e, "tp-adjust", string.Create(CultureInfo.InvariantCulture, $"{e.NewWorkerThreadCount} {e.Reason}"));
        source.Clr.ContentionStart += e => Write(e, "contention", "-");
        using var stop = new Timer(_ => session.Stop(), null, TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan);
        source.Process();
        return 0;
    }
}
