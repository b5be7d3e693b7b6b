using System.Diagnostics;
using System.Globalization;

namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>The flags of <c>--pipeline</c>; every duration is in seconds.</summary>
internal sealed record PipelineBenchmarkOptions
{
    public const string Usage = """
        dotnet run -c Release --project LeadScoring.Benchmarks -- --pipeline [flags]

          --seconds N             latency phase: how long webhooks are sent (default 60)
          --rate N                latency phase: webhook events per second, one per request, distinct contacts (default 50)
          --drain N               latency phase: longest wait for write-backs after the last send (default 120)
          --throughput-seconds N  endpoint phase: measured duration (default 15)
          --throughput-warmup N   endpoint phase: unmeasured warm-up before it (default 3)
          --clients N             endpoint phase: closed-loop concurrent clients (default 32)
          --contacts N            contacts the emulator seeds (default: rate × seconds + 50)
          --rate-limit N          emulator HubSpot requests per 10 s (default 100000: HubSpot's own 100–250 is far too low for 50 leads/s)
          --warmup-events N       events scored (and waited for) before anything is measured (default 20)
          --probe-seconds N       Azurite probe of the intake's three storage calls before the host starts (default 3; 0 = off)
          --only latency|throughput  run one phase
          --azurite-disk false    Azurite in memory instead of in a temp folder (--location, the default): its in-memory
                                  queue store stalls for 10–30 s at every 60-s garbage collection under this load
          --host-dll PATH         the Release build of LeadScoring.LocalHost (the local Functions host) to run as a process
                                  (default <repo>/LeadScoring.LocalHost/bin/Release/net10.0/LeadScoring.LocalHost.dll)
          --report PATH           where the report is written (default <repo>/BenchmarkDotNet.Artifacts/results/pipeline-<utc>.txt)
        """;

    public double Seconds { get; init; } = 60;

    public double Rate { get; init; } = 50;

    public double DrainSeconds { get; init; } = 120;

    public double ThroughputSeconds { get; init; } = 15;

    public double ThroughputWarmupSeconds { get; init; } = 3;

    public int Clients { get; init; } = 32;

    public int? Contacts { get; init; }

    public int RateLimit { get; init; } = 100_000;

    public int WarmupEvents { get; init; } = 20;

    /// <summary>Contacts the endpoint phase's events are about (the queue fills; the endpoint is what is measured).</summary>
    public int ThroughputContacts { get; init; } = 10;

    public double ProbeSeconds { get; init; } = 3;

    public bool RunLatency { get; init; } = true;

    public bool RunThroughput { get; init; } = true;

    public bool AzuriteOnDisk { get; init; } = true;

    public string? HostDll { get; init; }

    public string? ReportPath { get; init; }

    public int LatencyEvents => (int)Math.Round(Seconds * Rate);

    public int ContactCount => Contacts ?? ((RunLatency ? LatencyEvents : 0) + WarmupEvents + ThroughputContacts + 20);

    /// <summary>Parses the flags; a bad one yields an error naming it (an empty error: help was asked for).</summary>
    public static (PipelineBenchmarkOptions? Options, string? Error) Parse(IReadOnlyList<string> args) =>
        HarnessFlags.Parse(args, Flags, new PipelineBenchmarkOptions(), Apply, Check);

    private static readonly string[] Flags =
    [
        "--seconds", "--rate", "--drain", "--throughput-seconds", "--throughput-warmup", "--clients", "--contacts", "--rate-limit",
        "--warmup-events", "--probe-seconds", "--only", "--azurite-disk", "--host-dll", "--report",
    ];

    private static PipelineBenchmarkOptions Apply(PipelineBenchmarkOptions o, HarnessFlag flag) => flag.Name switch
    {
        "--seconds" => o with { Seconds = flag.Number(1, 3600) },
        "--rate" => o with { Rate = flag.Number(0.1, 10_000) },
        "--drain" => o with { DrainSeconds = flag.Number(0, 3600) },
        "--throughput-seconds" => o with { ThroughputSeconds = flag.Number(1, 3600) },
        "--throughput-warmup" => o with { ThroughputWarmupSeconds = flag.Number(0, 600) },
        "--clients" => o with { Clients = flag.Whole(1, 1024) },
        "--contacts" => o with { Contacts = flag.Whole(1, 1_000_000) },
        "--rate-limit" => o with { RateLimit = flag.Whole(1, 100_000_000) },
        "--warmup-events" => o with { WarmupEvents = flag.Whole(0, 10_000) },
        "--probe-seconds" => o with { ProbeSeconds = flag.Number(0, 600) },
        "--only" when flag.Value is "latency" => o with { RunLatency = true, RunThroughput = false },
        "--only" when flag.Value is "throughput" => o with { RunLatency = false, RunThroughput = true },
        "--only" => flag.Fail(o, $"--only must be latency or throughput (got '{flag.Value}')."),
        "--azurite-disk" when flag.Value is "true" or "false" => o with { AzuriteOnDisk = flag.Value == "true" },
        "--azurite-disk" => flag.Fail(o, $"--azurite-disk must be true or false (got '{flag.Value}')."),
        "--host-dll" => o with { HostDll = flag.Value },
        "--report" => o with { ReportPath = flag.Value },
        _ => throw new UnreachableException($"{flag.Name} is in Flags but has no arm here."), // HarnessFlags refuses flags not in Flags

    };

    private static string? Check(PipelineBenchmarkOptions o) => o.Contacts is { } contacts && contacts < o.ContactCountNeeded()
        ? string.Create(CultureInfo.InvariantCulture, $"--contacts must be at least {o.ContactCountNeeded()} for these settings (one distinct contact per latency event, plus warm-up and endpoint contacts).")
        : null;

    private int ContactCountNeeded() => (RunLatency ? LatencyEvents : 0) + WarmupEvents + ThroughputContacts;
}
