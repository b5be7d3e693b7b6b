using System.Diagnostics;
using System.Globalization;
using LeadScoring.Benchmarks.Pipeline;
using LeadScoring.Core.Leads;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Options;

namespace LeadScoring.Benchmarks.LeadList;

/// <summary>
/// <c>--lead-list [--leads N]</c>: fills the lead index (table LeadIndex) on a fresh Azurite with N scored leads
/// (default 100,000) through the same write the pipeline makes, then times the dashboard's reads: the Manager's first
/// page (50, highest score first), the next page by token, filtered first pages, a contact by id and the Rep's call
/// queue. Target: the first page under 300 ms on 2 cores.
/// </summary>
internal static class LeadListBenchmark
{
    private const int Runs = 30;
    private static readonly string[] Industries = ["COMPUTER_SOFTWARE", "FINANCIAL_SERVICES", "HOSPITAL_HEALTH_CARE", "RETAIL", "FARMING", "MARKETING_AND_ADVERTISING"];
    private static readonly string[] Sources = ["ORGANIC_SEARCH", "REFERRALS", "PAID_SEARCH", "EMAIL_MARKETING", "DIRECT_TRAFFIC"];
    private static readonly string[] Stages = ["lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "subscriber"];
    private static readonly string[] Owners = ["81000001", "81000002", "81000003", "81000004"];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var leads = args is ["--leads", var n, ..] ? int.Parse(n, CultureInfo.InvariantCulture) : 100_000;
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var cancellationToken = stop.Token;

        await output.WriteLineAsync("Starting Azurite (in memory)…");
        await using var product = await ProductUnderLoad.StartStorageAsync(Repository.Root(), onDisk: false, output, cancellationToken);
        var storage = new LeadScoringStorage(StorageConnection.FromConnectionString(product.StorageConnectionString), new StorageNames(product.StoragePrefix));
        await storage.EnsureCreatedAsync(cancellationToken);
        var index = new LeadIndexStore(storage);

        var fill = Stopwatch.StartNew();
        await FillAsync(index, leads, output, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Filled {leads:#,##0} leads in {fill.Elapsed.TotalSeconds:0.0} s ({leads / fill.Elapsed.TotalSeconds:#,##0} leads/s)."));

        var lists = new LeadLists(index, ScoringProfile.Default, Options.Create(new LeadScoringSettings { PortalId = 1000001 }), TimeProvider.System);
        var all = new LeadFilter();
        var second = (await index.PageAsync(all, null, 50, cancellationToken)).Next;
        var cases = new (string Name, Func<Task<int>> Read)[]
        {
            ("first page (50, by score)", async () => (await lists.ScoredAsync(new LeadListRequest(all, null, null, 50), cancellationToken)).Leads.Count),
            ("second page by token", async () => (await lists.ScoredAsync(new LeadListRequest(all, null, second, 50), cancellationToken)).Leads.Count),
            ("first page, priority High", async () => (await lists.ScoredAsync(new LeadListRequest(all with { Priority = "High" }, null, null, 50), cancellationToken)).Leads.Count),
            ("first page, industry + owner", async () => (await lists.ScoredAsync(new LeadListRequest(all with { Industry = "FARMING", OwnerId = "81000002" }, null, null, 50), cancellationToken)).Leads.Count),
            ("first page, priority Low (scans past the rest)", async () => (await lists.ScoredAsync(new LeadListRequest(all with { Priority = "Low" }, null, null, 50), cancellationToken)).Leads.Count),
            ("contact by id", async () => (await lists.ScoredAsync(new LeadListRequest(all, "1042", null, 50), cancellationToken)).Leads.Count),
            ("Rep's call queue, first page", async () => (await lists.CallQueueAsync(new LeadListRequest(all, null, null, 50), "81000001", cancellationToken)).Leads.Count),
        };

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores; {Runs} runs each after 3 warm-up runs (ms):"));
        var firstPageP95 = 0.0;
        foreach (var (name, read) in cases)
        {
            for (var i = 0; i < 3; i++)
            {
                await read();
            }

            var times = new List<double>(Runs);
            var rows = 0;
            for (var i = 0; i < Runs; i++)
            {
                var watch = Stopwatch.StartNew();
                rows = await read();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var (p50, p95) = (times[Runs / 2], times[(int)Math.Ceiling(Runs * 0.95) - 1]);
            firstPageP95 = firstPageP95 == 0 ? p95 : firstPageP95;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {name,-48} p50 {p50,7:0.0}  p95 {p95,7:0.0}  max {times[^1],7:0.0}  ({rows} rows)"));
        }

        var met = firstPageP95 < 300;
        await output.WriteLineAsync(met ? "Target met: the first page answers in under 300 ms (p95)." : "TARGET MISSED: the first page's p95 is 300 ms or more.");
        return met ? 0 : 1;
    }

    private static async Task FillAsync(LeadIndexStore index, int leads, TextWriter output, CancellationToken cancellationToken)
    {
        var random = new Random(16);
        var scorer = new LeadScorer(ScoringProfile.Default, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        const int Batch = 2_000;
        for (var start = 0; start < leads; start += Batch)
        {
            var updates = Enumerable.Range(start, Math.Min(Batch, leads - start)).Select(i =>
            {
                var id = (1001 + i).ToString(CultureInfo.InvariantCulture);
                var features = new LeadFeatures
                {
                    ContactId = id, Industry = Industries[random.Next(Industries.Length)], LeadSource = Sources[random.Next(Sources.Length)],
                    LifecycleStage = Stages[random.Next(Stages.Length)], EmployeeCount = random.Next(1, 20_000), EmailOpens = random.Next(0, 30), MeetingsBooked = random.Next(0, 4),
                };
                var score = scorer.Score(features);
                return new LeadIndexUpdate(id, features, score, score.NextBestAction.ToString(), Owners[random.Next(Owners.Length)]);
            }).ToList();
            await index.SetManyAsync(updates, now, cancellationToken);
            if ((start / Batch) % 10 == 9)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {start + Batch:#,##0} leads written"));
            }
        }
    }
}
