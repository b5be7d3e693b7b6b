using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>
/// The model registry: model files in Blob storage, model cards in a Table (PK <c>model</c>, RK version), and one
/// pointer row naming the model in use and those promoted before it (for rollback). The pointer is changed with an
/// ETag, so two instances promoting at once cannot both win.
/// </summary>
public sealed class ModelRegistry(LeadScoringStorage storage, TimeProvider clock)
{
    private const string CardPartition = "model";
    private const string PointerPartition = "pointer";
    private const string PointerRow = "current";

    private readonly TableClient _table = storage.Table(storage.Names.Models);
    private readonly BlobContainerClient _files = storage.BlobService.GetBlobContainerClient(storage.Names.ModelFiles);

    /// <summary>A new version name: sortable by time, unique enough for two instances retraining the same second.</summary>
    public string NewVersion() =>
        string.Create(CultureInfo.InvariantCulture, $"m{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Random.Shared.Next(100, 1000)}");

    /// <summary>A skipped run's name: sortable by time like versions, but never mistaken for one.</summary>
    public string NewRunName() =>
        string.Create(CultureInfo.InvariantCulture, $"run-{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Random.Shared.Next(100, 1000)}");

    /// <summary>Stores the card (and the model file first, when there is one: a card never points at a missing file).</summary>
    public async Task SaveAsync(ModelCard card, Stream? model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (model is not null)
        {
            await _files.GetBlobClient(BlobName(card.Key)).UploadAsync(model, overwrite: true, cancellationToken).ConfigureAwait(false);
        }

        await _table.UpsertEntityAsync(ToEntity(card), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelCard?> GetAsync(string version, CancellationToken cancellationToken = default)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(CardPartition, TableOperations.Key(version, nameof(version)), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Every card, newest first.</summary>
    public async Task<IReadOnlyList<ModelCard>> ListAsync(CancellationToken cancellationToken = default)
    {
        var cards = new List<ModelCard>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {CardPartition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            cards.Add(FromEntity(row));
        }

        return [.. cards.OrderByDescending(c => c.CreatedAt)];
    }

    /// <summary>The version in use and those promoted before it, newest first; empty when none was ever promoted.</summary>
    public async Task<IReadOnlyList<string>> PromotedStackAsync(CancellationToken cancellationToken = default) =>
        (await PointerAsync(cancellationToken).ConfigureAwait(false)).Stack;

    public async Task<string?> CurrentVersionAsync(CancellationToken cancellationToken = default) =>
        (await PromotedStackAsync(cancellationToken).ConfigureAwait(false)) is [var current, ..] ? current : null;

    /// <summary>Makes <paramref name="version"/> the model in use; the one it replaces is retired (and is where a rollback returns).</summary>
    /// <param name="reason">Why, when it is not the automatic rules' decision (appended to the card's reason).</param>
    public async Task PromoteAsync(string version, string? reason = null, CancellationToken cancellationToken = default)
    {
        var card = await GetAsync(version, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No model '{version}' in the registry.");
        if (card.Status is ModelStatus.Skipped)
        {
            throw new InvalidOperationException($"Model '{version}' was not trained ({card.Reason}); it cannot be promoted.");
        }

        var (stack, etag) = await PointerAsync(cancellationToken).ConfigureAwait(false);
        string[] next = [version, .. stack.Where(v => v != version)];
        await WritePointerAsync(next, etag, cancellationToken).ConfigureAwait(false);
        if (stack is [var previous, ..] && previous != version && await GetAsync(previous, cancellationToken).ConfigureAwait(false) is { } old)
        {
            await SaveAsync(old with { Status = ModelStatus.Retired }, null, cancellationToken).ConfigureAwait(false);
        }

        var why = reason is null ? card.Reason : $"{card.Reason}; {reason} {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC";
        await SaveAsync(card with { Status = ModelStatus.Promoted, Reason = why }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Goes back to the model promoted before the current one (or to the logistic prior when there was none);
    /// returns the version now in use, or null for the prior.
    /// </summary>
    public async Task<string?> RollbackAsync(CancellationToken cancellationToken = default)
    {
        var (stack, etag) = await PointerAsync(cancellationToken).ConfigureAwait(false);
        if (stack.Count == 0)
        {
            throw new InvalidOperationException("No model is in use: there is nothing to roll back.");
        }

        var rest = stack.Skip(1).ToArray();
        await WritePointerAsync(rest, etag, cancellationToken).ConfigureAwait(false);
        if (await GetAsync(stack[0], cancellationToken).ConfigureAwait(false) is { } rolledBack)
        {
            await SaveAsync(rolledBack with { Status = ModelStatus.Retired, Reason = $"{rolledBack.Reason}; rolled back {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC" }, null, cancellationToken).ConfigureAwait(false);
        }

        if (rest is [var now, ..] && await GetAsync(now, cancellationToken).ConfigureAwait(false) is { } restored)
        {
            await SaveAsync(restored with { Status = ModelStatus.Promoted }, null, cancellationToken).ConfigureAwait(false);
        }

        return rest.FirstOrDefault();
    }

    /// <summary>The model file of a version; null when the registry has no file for it.</summary>
    public async Task<TrainedModel?> LoadAsync(string version, CancellationToken cancellationToken = default)
    {
        var blob = _files.GetBlobClient(BlobName(version));
        try
        {
            using var buffer = new MemoryStream();
            await blob.DownloadToAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            return TrainedModel.Load(buffer);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static string BlobName(string version) => $"{TableOperations.Key(version, nameof(version))}.zip";

    private async Task<(IReadOnlyList<string> Stack, ETag? ETag)> PointerAsync(CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(PointerPartition, PointerRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return ([], null);
        }

        var stack = row.Value!.GetString("Stack") is { Length: > 0 } text ? text.Split(',') : [];
        return (stack, row.Value.ETag);
    }

    private async Task WritePointerAsync(IReadOnlyList<string> stack, ETag? etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PointerPartition, PointerRow) { ["Stack"] = string.Join(',', stack), ["UpdatedAt"] = clock.GetUtcNow() };
        // Optimistic concurrency: a concurrent promotion makes this fail (412/409) instead of silently losing one of them.
        if (etag is { } tag)
        {
            await _table.UpdateEntityAsync(entity, tag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TableEntity ToEntity(ModelCard card) =>
        new(CardPartition, TableOperations.Key(card.Key, nameof(card)))
        {
            ["Status"] = card.Status.ToString(),
            ["CreatedAt"] = card.CreatedAt,
            ["Card"] = JsonSerializer.Serialize(card, LearningJsonContext.Default.ModelCard),
        };

    private static ModelCard FromEntity(TableEntity row) =>
        JsonSerializer.Deserialize(row.GetString("Card"), LearningJsonContext.Default.ModelCard)!
        with { Status = Enum.Parse<ModelStatus>(row.GetString("Status")) };
}
