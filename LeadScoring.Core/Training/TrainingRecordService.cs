using System.Security.Cryptography;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training.Similarity;

namespace LeadScoring.Core.Training;

/// <summary>
/// Creates, lists, deletes, undoes and bulk-imports training records. A record and its vector are written together:
/// if the vector cannot be stored, the record is put back as it was, so nothing half-written is left. A contact has
/// one record (<see cref="TrainingRecord.IdFor"/>): classifying it again replaces that record, keeping the replaced
/// version for <see cref="UndoAsync"/>.
/// </summary>
public sealed class TrainingRecordService(TrainingRecordStore store, IVectorIndex index, SimilarLeads similar, HubSpotLeadReader reader, TimeProvider clock)
{
    public async Task<(TrainingRecord? Record, IReadOnlyList<ValidationError> Errors)> CreateAsync(TrainingRecordInput input, string createdBy, CancellationToken cancellationToken = default)
    {
        var (records, errors) = await PrepareAsync([(null, input)], createdBy, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        await SaveAsync(records, cancellationToken).ConfigureAwait(false);
        return (records[0], []);
    }

    /// <summary>
    /// All rows are checked (and contact ids looked up in HubSpot, in batches) before any is written: all or nothing.
    /// <paramref name="csv"/> is the file as sent; it must be UTF-8.
    /// </summary>
    public async Task<(int Imported, IReadOnlyList<ValidationError> Errors)> ImportCsvAsync(ReadOnlyMemory<byte> csv, string createdBy, CancellationToken cancellationToken = default)
    {
        var (text, encoding) = TrainingCsv.Decode(csv.Span);
        if (text is null)
        {
            return (0, [encoding!]);
        }

        var (rows, errors) = TrainingCsv.Parse(text, clock.GetUtcNow());
        if (errors.Count > 0)
        {
            return (0, errors);
        }

        var (records, problems) = await PrepareAsync([.. rows.Select(r => ((int?)r.Line, r.Input))], createdBy, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            return (0, problems);
        }

        await SaveAsync(records, cancellationToken).ConfigureAwait(false);
        return (records.Count, []);
    }

    public Task<TrainingRecordPage> ListAsync(TrainingClassification? classification, int pageSize, string? continuationToken, CancellationToken cancellationToken = default) =>
        store.ListAsync(classification, pageSize, continuationToken, cancellationToken);

    /// <summary>Removes the record and its vector, keeping the record for <see cref="UndoAsync"/>; false when neither existed.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } current)
        {
            await store.SetPreviousAsync(id, current, cancellationToken).ConfigureAwait(false);
        }

        var vector = await index.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        var record = await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        return vector || record;
    }

    /// <summary>
    /// Undoes the last change to record <paramref name="id"/>: a re-classification is replaced by the version before
    /// it, a deletion is restored, a first classification is removed. Undoing again redoes (the two versions swap).
    /// </summary>
    /// <returns>Found: whether there was anything to undo; Current: the record now, null when the undo removed it.</returns>
    public async Task<(bool Found, TrainingRecord? Current)> UndoAsync(string id, CancellationToken cancellationToken = default)
    {
        var current = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var previous = await store.GetPreviousAsync(id, cancellationToken).ConfigureAwait(false);
        if (current is null && previous is null)
        {
            return (false, null);
        }

        if (previous is not null)
        {
            var vector = await VectorOfAsync(previous, cancellationToken).ConfigureAwait(false);
            await store.PutAsync(previous, cancellationToken).ConfigureAwait(false);
            await index.UpsertAsync(vector, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await index.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        }

        await store.SetPreviousAsync(id, current, cancellationToken).ConfigureAwait(false);
        return (true, previous);
    }

    /// <summary>
    /// Merges records stored before one-per-contact: per contact, the newest becomes the contact's record and the
    /// one before it what an undo restores; the rest (identical re-classifications, as a rule) are removed with their
    /// vectors. Returns how many records were removed.
    /// </summary>
    public async Task<int> MergePerContactAsync(CancellationToken cancellationToken = default)
    {
        var byContact = new Dictionary<string, List<TrainingRecord>>(StringComparer.Ordinal);
        await foreach (var record in store.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.ContactId is { } contact)
            {
                (byContact.TryGetValue(contact, out var list) ? list : byContact[contact] = []).Add(record);
            }
        }

        var removed = 0;
        foreach (var (contact, records) in byContact)
        {
            var id = TrainingRecord.IdFor(contact);
            if (records is [{ } only] && only.Id == id)
            {
                continue;
            }

            var ordered = records.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id == id ? 0 : 1).ToList();
            var newest = ordered[0] with { Id = id };
            var vector = await VectorOfAsync(newest, cancellationToken).ConfigureAwait(false);
            await store.PutAsync(newest, cancellationToken).ConfigureAwait(false);
            await index.UpsertAsync(vector, cancellationToken).ConfigureAwait(false);
            if (ordered.Count > 1)
            {
                await store.SetPreviousAsync(id, ordered[1], cancellationToken).ConfigureAwait(false);
            }

            foreach (var legacy in records.Where(r => r.Id != id))
            {
                await index.DeleteAsync(legacy.Id, cancellationToken).ConfigureAwait(false);
                await store.DeleteAsync(legacy.Id, cancellationToken).ConfigureAwait(false);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Re-embeds records whose vector was made by another embedder (e.g. after switching to Azure OpenAI embeddings),
    /// so similarity never compares vectors from different spaces. Returns how many were re-embedded.
    /// </summary>
    public async Task<int> ReembedStaleAsync(CancellationToken cancellationToken = default)
    {
        var stale = await index.StaleIdsAsync(similar.EmbedderVersion, cancellationToken).ConfigureAwait(false);
        var done = 0;
        foreach (var chunk in stale.Chunk(100))
        {
            var vectors = new List<VectorRecord>(chunk.Length);
            foreach (var id in chunk)
            {
                if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } record)
                {
                    vectors.Add(await VectorOfAsync(record, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    await index.DeleteAsync(id, cancellationToken).ConfigureAwait(false); // a vector without its record
                }
            }

            await index.UpsertManyAsync(vectors, cancellationToken).ConfigureAwait(false);
            done += vectors.Count;
        }

        return done;
    }

    /// <summary>
    /// Validates every input, then reads the features of those given only a contact id from HubSpot in one batched
    /// gather (contacts 100 per call, their associations and related objects by batch too) rather than one gather per
    /// row: an import of 100 contacts costs about a dozen HubSpot calls, not hundreds. Errors name the CSV line
    /// (<c>row 7.contactId</c>) when <paramref name="inputs"/> come from a file, else the bare field.
    /// </summary>
    private async Task<(List<TrainingRecord> Records, List<ValidationError> Errors)> PrepareAsync(
        List<(int? Line, TrainingRecordInput Input)> inputs, string createdBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new List<ValidationError>();
        var valid = new List<(string Where, TrainingRecordInput Input, TrainingClassification Classification)>(inputs.Count);
        foreach (var (line, input) in inputs)
        {
            var where = line is { } n ? $"row {n}." : "";
            var problems = TrainingRecordValidator.Validate(input, now, out var classification);
            if (problems.Count > 0)
            {
                errors.AddRange(problems.Select(e => new ValidationError(where + e.Field, e.Message)));
                continue;
            }

            valid.Add((where, input, classification));
        }

        var lookups = valid.Where(v => v.Input.Features is null).Select(v => v.Input.ContactId!).Distinct(StringComparer.Ordinal).ToList();
        var leads = lookups.Count == 0
            ? new Dictionary<string, HubSpotLeadRecord>()
            : await reader.ReadManyAsync(lookups, cancellationToken).ConfigureAwait(false);

        var records = new List<TrainingRecord>(valid.Count);
        foreach (var (where, input, classification) in valid)
        {
            var features = input.Features;
            if (features is null)
            {
                if (leads.GetValueOrDefault(input.ContactId!) is not { } lead)
                {
                    errors.Add(new($"{where}contactId", $"HubSpot has no contact {input.ContactId}"));
                    continue;
                }

                features = LeadFeaturesMapper.Map(lead, now);
            }

            records.Add(new TrainingRecord
            {
                Id = input.ContactId is { } contact ? TrainingRecord.IdFor(contact) : NewId(),
                ContactId = input.ContactId,
                Classification = classification,
                Score = input.Score!.Value,
                Attributes = [.. (input.Attributes ?? []).Select(a => a.ToLowerInvariant()).Distinct()],
                Notes = input.Notes is { Length: > 0 } notes ? PiiScrubber.Scrub(notes) : null,
                Features = features,
                CreatedAt = now,
                CreatedBy = createdBy,
            });
        }

        return (records, errors);
    }

    /// <summary>
    /// Writes the records (a contact given twice: the last row wins) and their vectors; each replaced record is kept
    /// for undo, and records of the same contact stored before one-per-contact are removed once the new one stands.
    /// </summary>
    private async Task SaveAsync(List<TrainingRecord> records, CancellationToken cancellationToken)
    {
        records = [.. records.GroupBy(r => r.Id, StringComparer.Ordinal).Select(g => g.Last())];
        var vectors = new List<VectorRecord>(records.Count);
        var replaced = new Dictionary<string, TrainingRecord?>(StringComparer.Ordinal);
        var legacy = new List<string>();
        foreach (var record in records)
        {
            vectors.Add(await VectorOfAsync(record, cancellationToken).ConfigureAwait(false));
            var current = await store.GetAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var older = record.ContactId is { } contact
                ? [.. (await store.ByContactAsync(contact, cancellationToken).ConfigureAwait(false)).Where(r => r.Id != record.Id)]
                : new List<TrainingRecord>();
            replaced[record.Id] = current ?? older.FirstOrDefault();
            legacy.AddRange(older.Select(r => r.Id));
        }

        var written = new List<string>(records.Count);
        try
        {
            foreach (var record in records)
            {
                await store.PutAsync(record, cancellationToken).ConfigureAwait(false);
                written.Add(record.Id);
            }

            await index.UpsertManyAsync(vectors, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Put back what was there so no record exists without its vector; the caller sees the original error. Each
            // step is tried even when one fails (storage flapping): an undo that stops at the first failure leaves more.
            foreach (var id in written)
            {
                try
                {
                    if (replaced[id] is { } before)
                    {
                        await store.PutAsync(before with { Id = id }, CancellationToken.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await store.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
                {
                    // Storage is down for the undo too; the original error is what the caller needs to see.
                }
            }

            throw;
        }

        foreach (var (id, before) in replaced)
        {
            await store.SetPreviousAsync(id, before, cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in legacy)
        {
            await index.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<VectorRecord> VectorOfAsync(TrainingRecord record, CancellationToken cancellationToken)
    {
        var vector = await similar.EmbedAsync(record.Features, record.Notes, cancellationToken).ConfigureAwait(false);
        return new VectorRecord(record.Id, vector, record.Classification.ToString(), record.Score, similar.EmbedderVersion);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
