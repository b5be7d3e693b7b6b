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

    /// <summary>Parses the flags; a bad one yields an error naming it (an empty error: help was asked for).</summary>
    public static (ApiBudgetOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var o = new ApiBudgetOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                return (null, "");
            }

            if (flag is not ("--contacts" or "--rate-limit" or "--webhooks" or "--webhook-interval-ms" or "--fault-rate" or "--only" or "--host-dll" or "--report"))
            {
                return (null, $"unknown flag {flag}.");
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{flag} needs a value.");
            }

            var value = args[++i];
            string? error = null;
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
                "--contacts" => o with { Contacts = Whole(1, 1_000_000) },
                "--rate-limit" => o with { RateLimit = Whole(10, 100_000_000) },
                "--webhooks" => o with { Webhooks = Whole(0, 10_000) },
                "--webhook-interval-ms" => o with { WebhookInterval = TimeSpan.FromMilliseconds(Whole(50, 60_000)) },
                "--fault-rate" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 0.9
                    ? o with { FaultRate = rate }
                    : Fail(ref error, $"--fault-rate must be a number between 0 and 0.9 (got '{value}')."),
                "--only" => Enum.TryParse<ApiBudgetPhase>(value, ignoreCase: true, out var phase) && Enum.IsDefined(phase) && !value.Any(char.IsAsciiDigit)
                    ? o with { Only = phase }
                    : Fail(ref error, $"--only must be initial, unchanged, decay or webhooks (got '{value}')."),
                "--host-dll" when value.Length > 0 => o with { HostDll = value },
                "--report" when value.Length > 0 => o with { ReportPath = value },
                _ => Fail(ref error, $"{flag} needs a non-empty path."),
            };
            if (error is not null)
            {
                return (null, error);
            }
        }

        if (o.Reports(ApiBudgetPhase.Webhooks) && o.Webhooks > o.Contacts)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"--webhooks ({o.Webhooks}) must not exceed --contacts ({o.Contacts}): each webhook is about a distinct contact."));
        }

        return (o, null);

        ApiBudgetOptions Fail(ref string? error, string message)
        {
            error = message;
            return o;
        }
    }
}
