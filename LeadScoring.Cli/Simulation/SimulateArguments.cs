using System.Globalization;
using LeadScoring.HubSpotEmulator.Simulation;

namespace LeadScoring.Cli.Simulation;

/// <summary>The parsed <c>simulate</c> command line.</summary>
/// <param name="DrillWeek">The week a shuffled-label candidate is trained as a drill; 0 for none.</param>
/// <param name="PortalContacts">Contacts the portal starts with (its history), before the first simulated week.</param>
internal sealed record SimulateArguments(
    int Weeks = 12,
    int Seed = 1,
    WorkOrder Order = WorkOrder.Score,
    double Explore = 0,
    int ContactsPerWeek = 100,
    int Capacity = 40,
    int PortalContacts = 800,
    int DrillWeek = 6,
    bool Compare = false)
{
    public const string Usage = """
        usage: LeadScoring.Cli simulate [options]
          --weeks N               simulated weeks, 1-52 (default 12)
          --seed N                seeds the portal and every draw (default 1)
          --order O               score (the team works the highest ai_lead_score first, default) or arrival (newest first)
          --explore F             share of the weekly capacity given to randomly chosen unworked leads, 0-1 (default 0)
          --contacts-per-week K   new leads per week, 1-5000 (default 100)
          --capacity N            leads the sales team works per week, 1-5000 (default 40)
          --portal-contacts N     contacts the portal starts with, 0-20000 (default 800)
          --drill-week N          week in which a candidate trained on shuffled labels must be refused; 0 for none (default 6)
          --compare               run score order and arrival order with the same seed and compare lead-to-close
        """;

    /// <summary>Parses; on a bad command line returns null and one line naming the flag at fault.</summary>
    public static SimulateArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? problem = null;
        SimulateArguments? parsed = new SimulateArguments();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var (flag, value) = args[i].Split('=', 2) is [var f, var v] && f.StartsWith("--", StringComparison.Ordinal) ? (f, v) : (args[i], null);
            if (!seen.Add(flag))
            {
                error = $"option {flag} is given twice";
                return null;
            }

            if (flag == "--compare")
            {
                parsed = parsed with { Compare = value is null || value == "true" };
                continue;
            }

            if (flag is not ("--weeks" or "--seed" or "--order" or "--explore" or "--contacts-per-week" or "--capacity" or "--portal-contacts" or "--drill-week"))
            {
                error = $"unknown option '{flag}' (see --help)";
                return null;
            }

            if (value is null && i + 1 >= args.Count)
            {
                error = $"option {flag} needs a value";
                return null;
            }

            value ??= args[++i];
            parsed = flag switch
            {
                "--order" => value switch
                {
                    "score" => parsed with { Order = WorkOrder.Score },
                    "arrival" => parsed with { Order = WorkOrder.Arrival },
                    _ => Fail($"option --order must be score or arrival (got '{value}')"),
                },
                "--explore" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is >= 0 and <= 1
                    ? parsed with { Explore = share }
                    : Fail($"option --explore must be a number from 0 to 1 (got '{value}')"),
                "--weeks" => Int(flag, value, 1, 52) is { } weeks ? parsed with { Weeks = weeks } : null,
                "--seed" => Int(flag, value, 0, int.MaxValue) is { } seed ? parsed with { Seed = seed } : null,
                "--contacts-per-week" => Int(flag, value, 1, 5000) is { } perWeek ? parsed with { ContactsPerWeek = perWeek } : null,
                "--capacity" => Int(flag, value, 1, 5000) is { } capacity ? parsed with { Capacity = capacity } : null,
                "--portal-contacts" => Int(flag, value, 0, 20_000) is { } contacts ? parsed with { PortalContacts = contacts } : null,
                _ => Int(flag, value, 0, 52) is { } drill ? parsed with { DrillWeek = drill } : null,
            };
            if (parsed is null)
            {
                error = problem;
                return null;
            }
        }

        if (parsed.DrillWeek > parsed.Weeks)
        {
            error = $"option --drill-week must be at most --weeks ({parsed.Weeks}) or 0 for none (got {parsed.DrillWeek})";
            return null;
        }

        return parsed;

        SimulateArguments? Fail(string message)
        {
            problem = message;
            return null;
        }

        int? Int(string flag, string text, int min, int max)
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }

            problem = $"option {flag} must be a whole number from {min} to {max} (got '{text}')";
            return null;
        }
    }
}
