using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Crossroads.Hosting.Metrics;

/// <summary>
/// Process and runtime gauges under the names Prometheus client libraries use, so existing dashboards work.
/// All are observable: they cost nothing between scrapes.
/// </summary>
internal sealed class ProcessMetrics
{
    public const string MeterName = "Crossroads.Hosting.Process";

    private static readonly double StartTimeSeconds = GetStartTimeSeconds();

    public ProcessMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("process_cpu_seconds", static () => Environment.CpuUsage.TotalTime.TotalSeconds, description: "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge("process_resident_memory_bytes", static () => Environment.WorkingSet, description: "Resident memory size in bytes.");
        meter.CreateObservableGauge("process_start_time_seconds", static () => StartTimeSeconds, description: "Start time of the process since unix epoch in seconds.");
        meter.CreateObservableCounter("dotnet_gc_collections", static () => CollectionsByGeneration(), description: "Garbage collections since the process started, by generation.");
        meter.CreateObservableGauge("dotnet_gc_heap_bytes", static () => GC.GetTotalMemory(forceFullCollection: false), description: "Bytes currently allocated on the managed heap.");
        meter.CreateObservableCounter("dotnet_gc_allocated_bytes", static () => GC.GetTotalAllocatedBytes(), description: "Bytes allocated on the managed heap since the process started.");
        meter.CreateObservableGauge("dotnet_threadpool_threads", static () => ThreadPool.ThreadCount, description: "Thread pool worker threads.");
        meter.CreateObservableGauge("dotnet_threadpool_queue_length", static () => ThreadPool.PendingWorkItemCount, description: "Work items queued to the thread pool and not yet started.");
        meter.CreateObservableCounter("dotnet_threadpool_completed_items", static () => ThreadPool.CompletedWorkItemCount, description: "Work items the thread pool has completed.");

        // Tiered compilation keeps recompiling hot methods (instrumented, then optimized) for seconds after start and
        // after new code paths get busy; that CPU is the JIT's, not the requests'. These tell the two apart: a load
        // test whose window still shows JIT time is measuring warm-up (see bench/load/compare-bare.sh).
        meter.CreateObservableCounter("dotnet_jit_compilation_seconds", static () => System.Runtime.JitInfo.GetCompilationTime().TotalSeconds, description: "Time spent compiling methods (all tiers) since the process started, in seconds.");
        meter.CreateObservableCounter("dotnet_jit_compiled_methods", static () => System.Runtime.JitInfo.GetCompiledMethodCount(), description: "Methods compiled (all tiers, including recompilations) since the process started.");
    }

    private static IEnumerable<Measurement<long>> CollectionsByGeneration()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", GenerationName(generation)));
        }
    }

    private static string GenerationName(int generation) => generation switch
    {
        0 => "gen0",
        1 => "gen1",
        2 => "gen2",
        _ => "gen" + generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static double GetStartTimeSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
    }
}
