using LeadScoring.Benchmarks.Pipeline;
using System.Globalization;

namespace LeadScoring.Benchmarks.ApiBudget;

/// <summary>The phases of <c>--api-budget</c>, in the order they run.</summary>
internal enum ApiBudgetPhase
{
    Initial,
    Unchanged,
    Decay,
    Webhooks,
}

/// <summary>The flags of <c>--api-budget</c>.</summary>
internal sealed record ApiBudgetOptions
{
    public const string Usage = """
        dotnet run -c Release --project LeadScoring.Benchmarks -- --api-budget [flags]

        Starts Azurite, the HubSpot emulator and the host once, then measures the HubSpot calls (and time) of:
          initial    the fresh install's whole-portal rescore (the host's start-up batch, or POST /api/admin/rescore?scope=portal)
          unchanged  POST /api/admin/rescore right after it: nothing changed, so (almost) nothing should be called
          decay      POST /api/admin/decay: score decay should write, not read
          webhooks   signed contact webhooks (each a real emulator change) during a whole-portal rescore: write-back latency

          --contacts N            contacts the emulator seeds (default 10000)
          --rate-limit N          emulator HubSpot requests per 10 s (default 190); the floor is calls ÷ (N/10 per s)
          --webhooks N            webhooks phase: contact webhooks, distinct contacts (default 30)
          --webhook-interval-ms N webhooks phase: the gap between two webhooks, 50–60000 (default 500)
          --fault-rate F          share of HubSpot calls the emulator fails at random, 0–0.9 (default 0): how the batch degrades
          --only PHASE            initial, unchanged, decay or webhooks: report one phase (the initial rescore still runs first, unmeasured)
          --host-dll PATH         the Release build of LeadScoring.LocalHost (the local Functions host) to run as a process
                                  (default <repo>/LeadScoring.LocalHost/bin/Release/net10.0/LeadScoring.LocalHost.dll)
          --report PATH           where the report is written (default <repo>/BenchmarkDotNet.Artifacts/results/api-budget-<utc>.txt)

        Exit code: 0 every target met, 3 a target missed or a phase not available (its route answered 404),
        2 bad flags, 1 the harness failed.
        """;

    public int Contacts { get; init; } = 10_000;

    public int RateLimit { get; init; } = 190;

    public int Webhooks { get; init; } = 30;

    /// <summary>The gap between two webhooks of the webhooks phase.</summary>
    public TimeSpan WebhookInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public double FaultRate { get; init; }

    public ApiBudgetPhase? Only { get; init; }

    public string? HostDll { get; init; }

    public string? ReportPath { get; init; }

    /// <summary>Whether the phase is measured and reported (with <c>--only</c>, the earlier phases run as unmeasured set-up).</summary>
    public bool Reports(ApiBudgetPhase phase) => Only is null || Only == phase;

    private static readonly string[] Flags = ["--contacts", "--rate-limit", "--webhooks", "--webhook-interval-ms", "--fault-rate", "--only", "--host-dll", "--report"];

    /// <summary>Parses the flags; a bad one yields an error naming it (an empty error: help was asked for).</summary>
    public static (ApiBudgetOptions? Options, string? Error) Parse(IReadOnlyList<string> args) =>
        HarnessFlags.Parse(args, Flags, new ApiBudgetOptions(), Apply, Check);

    private static ApiBudgetOptions Apply(ApiBudgetOptions o, HarnessFlag flag) => flag.Name switch
    {
        "--contacts" => o with { Contacts = flag.Whole(1, 1_000_000) },
        "--rate-limit" => o with { RateLimit = flag.Whole(10, 100_000_000) },
        "--webhooks" => o with { Webhooks = flag.Whole(0, 10_000) },
        "--webhook-interval-ms" => o with { WebhookInterval = TimeSpan.FromMilliseconds(flag.Whole(50, 60_000)) },
        "--fault-rate" => double.TryParse(flag.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 0.9
            ? o with { FaultRate = rate }
            : flag.Fail(o, $"--fault-rate must be a number between 0 and 0.9 (got '{flag.Value}')."),
        "--only" => Enum.TryParse<ApiBudgetPhase>(flag.Value, ignoreCase: true, out var phase) && Enum.IsDefined(phase) && !flag.Value.Any(char.IsAsciiDigit)
            ? o with { Only = phase }
            : flag.Fail(o, $"--only must be initial, unchanged, decay or webhooks (got '{flag.Value}')."),
        "--host-dll" when flag.Value.Length > 0 => o with { HostDll = flag.Value },
        "--report" when flag.Value.Length > 0 => o with { ReportPath = flag.Value },
        _ => flag.Fail(o, $"{flag.Name} needs a non-empty path."),
    };

    private static string? Check(ApiBudgetOptions o) => o.Reports(ApiBudgetPhase.Webhooks) && o.Webhooks > o.Contacts
        ? string.Create(CultureInfo.InvariantCulture, $"--webhooks ({o.Webhooks}) must not exceed --contacts ({o.Contacts}): each webhook is about a distinct contact.")
        : null;
}
