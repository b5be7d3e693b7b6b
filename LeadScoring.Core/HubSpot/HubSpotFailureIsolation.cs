using System.Collections.Concurrent;
using System.Net;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// Batch calls that degrade by input rather than as a whole: a gather's reads and the write-back's updates. A batch
/// still failing after the client's attempts costs only the inputs whose calls keep failing, not the other 99 of its batch.
/// </summary>
internal static class HubSpotFailureIsolation
{
    /// <summary>
    /// Runs <paramref name="call"/> over <paramref name="ids"/> in chunks of <paramref name="size"/>, up to
    /// <see cref="HubSpotClient.ConcurrentBatches"/> at once. A chunk whose call fails transiently is sent again as two
    /// halves; a half that fails while the other succeeds is split further
    /// (the fault may be one input's), and when both halves fail the fault is HubSpot's, not the inputs': the chunk's
    /// ids are recorded in <paramref name="failed"/> at once, so an endpoint that is down costs 3 calls, not 2n.
    /// </summary>
    public static async Task RunAsync(
        IReadOnlyList<string> ids, int size, Func<IReadOnlyList<string>, CancellationToken, Task> call, ConcurrentDictionary<string, Exception> failed, CancellationToken cancellationToken)
    {
        async Task<Exception?> TryAsync(IReadOnlyList<string> chunk)
        {
            try
            {
                await call(chunk, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (IsIsolatable(ex, cancellationToken))
            {
                return ex;
            }
        }

        async Task IsolateAsync(IReadOnlyList<string> chunk, Exception error)
        {
            if (chunk.Count > 1)
            {
                var halves = new[] { chunk.Take(chunk.Count / 2).ToList(), chunk.Skip(chunk.Count / 2).ToList() };
                // Both halves at once: a split is on the lead's critical path, and each half takes its own budget slot anyway.
                var errors = await Task.WhenAll(TryAsync(halves[0]), TryAsync(halves[1])).ConfigureAwait(false);
                if (errors[0] is null || errors[1] is null)
                {
                    for (var i = 0; i < 2; i++)
                    {
                        if (errors[i] is { } halfError)
                        {
                            await IsolateAsync(halves[i], halfError).ConfigureAwait(false);
                        }
                    }

                    return;
                }
            }

            foreach (var id in chunk)
            {
                failed.TryAdd(id, error);
            }
        }

        await Parallel.ForEachAsync(ids.Chunk(size), new ParallelOptions { MaxDegreeOfParallelism = HubSpotClient.ConcurrentBatches, CancellationToken = cancellationToken }, async (chunk, _) =>
        {
            if (await TryAsync(chunk).ConfigureAwait(false) is { } error)
            {
                await IsolateAsync(chunk, error).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    // Worth splitting: an outage, a rate limit the retries did not outlast, a timeout, a dropped connection, or a
    // batch HubSpot answered 207 for. Not: HubSpot refusing the request as such, the daily limit, our own cancellation.
    internal static bool IsIsolatable(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        HubSpotDailyLimitException => false,
        HubSpotApiException api => api.IsTransient || api.StatusCode == HttpStatusCode.MultiStatus,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => true,
    };
}
