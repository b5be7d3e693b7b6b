using System.Globalization;
using System.Runtime.InteropServices;
using LeadScoring.Benchmarks.Pipeline;

namespace LeadScoring.Benchmarks.ApiBudget;

/// <summary>One row of a phase table; <see cref="Pass"/> is null for a plain measurement.</summary>
internal sealed record PhaseRow(string Metric, string Value, string Target, bool? Pass);

/// <summary>One phase's table, its HubSpot calls by operation and notes; "not available" when its route answered 404.</summary>
internal sealed class PhaseReport(ApiBudgetPhase phase, string title)
{
    public ApiBudgetPhase Phase => phase;

    public string Title => title;

    /// <summary>Why the phase could not run (its route answered 404), or null.</summary>
    public string? NotAvailable { get; set; }

    public List<PhaseRow> Rows { get; } = [];

    public List<OperationUse> Operations { get; set; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>One line for a phase run only as set-up of another.</summary>
    public string? Summary { get; set; }

    public bool Passed => NotAvailable is null && Rows.All(r => r.Pass != false);

    public string Verdict => NotAvailable is not null ? "not available" : Passed ? "PASS" : "FAIL";

    public void Metric(string metric, string value) => Rows.Add(new PhaseRow(metric, value, "", null));

    public void Target(string metric, string value, string target, bool pass) => Rows.Add(new PhaseRow(metric, value, target, pass));

    public string Summarize() => NotAvailable is not null ? $"{phase}: not available ({NotAvailable})" : Summary ?? $"{phase}: {Verdict}";
}

/// <summary>The printed (and saved) report of <c>--api-budget</c>.</summary>
internal sealed class ApiBudgetReport(ApiBudgetOptions options, string[] args, string hostDll, ProductSetup setup, string productCommit, string harnessCommit)
{
    public List<PhaseReport> Phases { get; } = [];

    /// <summary>Phases that ran unmeasured before the reported one (<c>--only</c>).</summary>
    public List<string> Setup { get; } = [];

    public string HostLogPath { get; set; } = "";

    public string HostLog { get; set; } = "";

    public bool HostExitedEarly { get; set; }

    public bool AllPassed => Phases.Count > 0 && Phases.All(p => p.Passed) && !HostExitedEarly;

    public string Render()
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"LeadScoring HubSpot API budget benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        w.WriteLine($"command:  dotnet LeadScoring.Benchmarks.dll --api-budget {string.Join(' ', args)}");
        w.WriteLine($"flags:    --contacts {options.Contacts} --rate-limit {options.RateLimit} --webhooks {options.Webhooks} --webhook-interval-ms {options.WebhookInterval.TotalMilliseconds:0} --fault-rate {options.FaultRate:0.##}" +
                    $"{(options.Only is { } only ? " --only " + only.ToString().ToLowerInvariant() : "")} (with the defaults)");
        w.WriteLine($"machine:  {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        w.WriteLine($"product:  commit {productCommit}");
        if (!string.Equals(productCommit, harnessCommit, StringComparison.Ordinal))
        {
            w.WriteLine($"harness:  commit {harnessCommit}");
        }

        w.WriteLine($"host:     {hostDll} (a process; Azurite on disk; {string.Join(", ", setup.HostEnvironment.Select(e => $"{e.Key}={e.Value}"))}, HubSpot__RequestsPer10Seconds={setup.RateLimit})");
        w.WriteLine(FormattableString.Invariant(
            $"HubSpot:  emulator in the harness process, {setup.Contacts} contacts, rate limit {setup.RateLimit}/10 s (floor rate {setup.RateLimit / 10.0:0.#}/s), search {setup.SearchRateLimit}/s; webhooks to the host"));
        foreach (var line in Setup)
        {
            w.WriteLine(line);
        }

        foreach (var phase in Phases)
        {
            w.WriteLine();
            w.WriteLine($"{(int)phase.Phase + 1}. {phase.Title}: {phase.Verdict}");
            if (phase.NotAvailable is not null)
            {
                w.WriteLine($"   not available: {phase.NotAvailable}");
                continue;
            }

            Table(w, ["metric", "value", "target", "result"],
                phase.Rows.Select(r => new[] { r.Metric, r.Value, r.Target, r.Pass is { } pass ? pass ? "PASS" : "FAIL" : "" }));
            if (phase.Operations.Count > 0)
            {
                w.WriteLine("   HubSpot calls by operation:");
                Table(w, ["operation", "calls", "429", "other errors"],
                    phase.Operations.Select(o => new[] { o.Operation, Text(o.Calls), Text(o.RateLimited), Text(o.OtherErrors) }));
            }

            foreach (var note in phase.Notes)
            {
                w.WriteLine($"   - {note}");
            }
        }

        w.WriteLine();
        w.WriteLine($"host log: {HostLog}");
        if (HostExitedEarly)
        {
            w.WriteLine("THE HOST PROCESS EXITED DURING THE RUN.");
        }

        w.WriteLine($"Targets: {string.Join("; ", Phases.Select(p => $"{p.Phase.ToString().ToLowerInvariant()} {p.Verdict}"))} → exit code {(AllPassed ? 0 : 3)}");
        return w.ToString();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Table(StringWriter w, string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        void Line(IEnumerable<string> cells) => w.WriteLine("   | " + string.Join(" | ", cells) + " |");
        Line(headers.Select((h, i) => h.PadRight(widths[i])));
        Line(widths.Select(width => new string('-', width)));
        foreach (var row in all)
        {
            Line(row.Select((c, i) => i > 0 && c.Length > 0 && char.IsAsciiDigit(c[0]) && headers[i] is "calls" or "429" or "other errors" ? c.PadLeft(widths[i]) : c.PadRight(widths[i])));
        }
    }
}
