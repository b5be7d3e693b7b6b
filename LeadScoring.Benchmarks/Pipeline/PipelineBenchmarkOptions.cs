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

    /// <summary>Parses the flags; a bad one yields an error naming it.</summary>
    public static (PipelineBenchmarkOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var o = new PipelineBenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                return (null, "");
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{flag} needs a value (or is not a flag of --pipeline).");
            }

            var value = args[++i];
            string? error = null;
            double Number(double min, double max)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
                {
                    return n;
                }

                error = string.Create(CultureInfo.InvariantCulture, $"{flag} must be a number between {min} and {max} (got '{value}').");
                return 0;
            }

            int Whole(int min, int max)
            {
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
                {
                    return n;
                }

                error = string.Create(CultureInfo.InvariantCulture, $"{flag} must be a whole number between {min} and {max} (got '{value}').");
                return 0;
            }

            o = flag switch
            {
                "--seconds" => o with { Seconds = Number(1, 3600) },
                "--rate" => o with { Rate = Number(0.1, 10_000) },
                "--drain" => o with { DrainSeconds = Number(0, 3600) },
                "--throughput-seconds" => o with { ThroughputSeconds = Number(1, 3600) },
                "--throughput-warmup" => o with { ThroughputWarmupSeconds = Number(0, 600) },
                "--clients" => o with { Clients = Whole(1, 1024) },
                "--contacts" => o with { Contacts = Whole(1, 1_000_000) },
                "--rate-limit" => o with { RateLimit = Whole(1, 100_000_000) },
                "--warmup-events" => o with { WarmupEvents = Whole(0, 10_000) },
                "--probe-seconds" => o with { ProbeSeconds = Number(0, 600) },
                "--only" when value is "latency" => o with { RunLatency = true, RunThroughput = false },
                "--only" when value is "throughput" => o with { RunLatency = false, RunThroughput = true },
                "--only" => Fail(ref error, $"--only must be latency or throughput (got '{value}')."),
                "--azurite-disk" when value is "true" or "false" => o with { AzuriteOnDisk = value == "true" },
                "--azurite-disk" => Fail(ref error, $"--azurite-disk must be true or false (got '{value}')."),
                "--host-dll" => o with { HostDll = value },
                "--report" => o with { ReportPath = value },
                _ => Fail(ref error, $"unknown flag {flag}."),
            };
            if (error is not null)
            {
                return (null, error);
            }
        }

        if (o.Contacts is { } contacts && contacts < o.ContactCountNeeded())
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"--contacts must be at least {o.ContactCountNeeded()} for these settings (one distinct contact per latency event, plus warm-up and endpoint contacts)."));
        }

        return (o, null);

        PipelineBenchmarkOptions Fail(ref string? error, string message)
        {
            error = message;
            return o;
        }
    }

    private int ContactCountNeeded() => (RunLatency ? LatencyEvents : 0) + WarmupEvents + ThroughputContacts;
}
