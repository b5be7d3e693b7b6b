using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace LeadScoring.Benchmarks.Pipeline;

internal static partial class PipelineBenchmark
{
    /// <summary>
    /// What the webhook intake asks of Azurite per one-event request — a table point read that misses (ledger), a queue
    /// put (score request), a table upsert (ledger) — run directly against Azurite: unloaded (1 client) and saturated.
    /// </summary>
    private static async Task<ProbeResult> ProbeStorageAsync(string connectionString, PipelineBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 0;
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.Retry.MaxRetries = 0;
        var table = new TableClient(connectionString, "pbprobe", tableOptions);
        var queue = new QueueClient(connectionString, "pbprobe", queueOptions);
        await table.CreateIfNotExistsAsync(cancellationToken);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var counter = 0L;

        async Task<(int Sequences, double Seconds, List<double> Get, List<double> Put, List<double> Upsert)> RunAsync(int clients, double seconds)
        {
            var get = new ConcurrentBag<double>();
            var put = new ConcurrentBag<double>();
            var upsert = new ConcurrentBag<double>();
            var sequences = 0;
            var origin = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (Stopwatch.GetElapsedTime(origin).TotalSeconds < seconds)
                {
                    var key = Interlocked.Increment(ref counter).ToString("x16", CultureInfo.InvariantCulture);
                    var t = Stopwatch.GetTimestamp();
                    await table.GetEntityIfExistsAsync<TableEntity>("1000001", key, ["PartitionKey"], cancellationToken);
                    get.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    t = Stopwatch.GetTimestamp();
                    await queue.SendMessageAsync("""{"kind":"Contact","objectId":"1","reason":"probe"}""", cancellationToken);
                    put.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    t = Stopwatch.GetTimestamp();
                    await table.UpsertEntityAsync(new TableEntity("1000001", key) { ["EventId"] = 1L, ["ObjectId"] = 1L }, TableUpdateMode.Replace, cancellationToken);
                    upsert.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    Interlocked.Increment(ref sequences);
                }
            }, cancellationToken)));
            return (sequences, Stopwatch.GetElapsedTime(origin).TotalSeconds, [.. get], [.. put], [.. upsert]);
        }

        await RunAsync(1, 0.5); // JIT and connections
        var single = await RunAsync(1, Math.Min(2, options.ProbeSeconds));
        var loaded = await RunAsync(options.Clients, options.ProbeSeconds);
        await table.DeleteAsync(cancellationToken);
        await queue.DeleteAsync(cancellationToken);
        return new ProbeResult(
            single.Sequences / single.Seconds, Distribution.Of(single.Get)!, Distribution.Of(single.Put)!, Distribution.Of(single.Upsert)!,
            options.Clients, loaded.Sequences / loaded.Seconds, Distribution.Of(loaded.Get)!, Distribution.Of(loaded.Put)!, Distribution.Of(loaded.Upsert)!);
    }
}

internal sealed record ProbeResult(
    double SingleSequencesPerSecond, Distribution SingleGet, Distribution SinglePut, Distribution SingleUpsert,
    int Clients, double LoadedSequencesPerSecond, Distribution LoadedGet, Distribution LoadedPut, Distribution LoadedUpsert);
