using System.Globalization;

namespace LeadScoring.Cli.Simulation;

/// <summary>The simulation's printed table and summary.</summary>
internal static class SimulationReport
{
    public const string Header =
        "week  leads  outcomes (won)  decision  in use     GT AUC in use  prior  pool in use  prior  close rate H / M / L     drill     reason";

    public static string Line(WeekRow r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Week,4}  {r.Leads,5}  {r.Outcomes,8} ({r.Positives,4})  {Status(r.Decision),-8}  {Short(r.InUse),-9}  {r.AucInUse,13:0.000}  {r.AucPrior:0.000}  {r.PoolAucInUse,11:0.000}  {r.PoolAucPrior:0.000}  {Rate(r.CloseRates.High)} / {Rate(r.CloseRates.Medium)} / {Rate(r.CloseRates.Low)}  {(r.Drill is { } d ? Status(d) : "-"),-8}  {r.Reason}{(r.DrillReason is { } why ? " | drill: " + why : "")}");

    public static void WriteSummary(TextWriter stdout, SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(result);
        var arrived = result.Leads.Where(l => !l.Seeded).ToList();
        var worked = result.Leads.Where(l => l.WorkedAt is not null).ToList();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lead-to-close {result.LeadToClose:P1} of {arrived.Count} arrived leads; worked {worked.Count} ({worked.Count(l => l.ChosenBy == "explore")} by explore), won {worked.Count(l => l.WonAt is not null)} of them; unworked won {result.Leads.Count(l => l.WorkedAt is null && l.WonAt is not null)} of {result.Leads.Count(l => l.WorkedAt is null)}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"days to close (arrival → won): High {Days(result.DaysToCloseHigh)}, the rest {Days(result.DaysToCloseRest)}; run time {result.Elapsed.TotalSeconds:0} s"));
        var last = result.Rows[^1];
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in the call pool (unworked leads without a deal, the ones the team picks from): ground-truth AUC {last.PoolAucPrior:0.000} → {last.PoolAucInUse:0.000}"));
        stdout.WriteLine(result.ClosingLine);
    }

    public static string Status(Core.Learning.Retraining.ModelStatus status) => status.ToString().ToLowerInvariant();

    private static string Rate(double rate) => double.IsNaN(rate) ? "  -  " : string.Create(CultureInfo.InvariantCulture, $"{rate,5:P0}");

    private static string Days(double? days) => days is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d:0.0} d") : "-";

    private static string Short(string version) => version.Length > 9 ? version[..9] : version;
}
