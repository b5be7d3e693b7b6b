using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Storage;

public enum EnrollmentState
{
    /// <summary>Claimed before calling HubSpot; the enrolment may or may not have happened.</summary>
    Pending,

    Enrolled,
}

public sealed record EnrollmentRecord(string ContactId, long WorkflowId, EnrollmentState State, DateTimeOffset UpdatedAt);

/// <summary>
/// Exactly-once workflow enrolment: a Pending row is inserted BEFORE calling HubSpot (insert fails if any row
/// exists), marked Enrolled after. PK = workflowId, RK = contactId.
/// </summary>
public sealed class EnrollmentStore(LeadScoringStorage storage)
{
    private readonly TableClient _table = storage.Table(storage.Names.Enrollments);

    /// <summary>
    /// Claims the enrolment: null when this call inserted the Pending row (the caller may enroll); otherwise the
    /// existing record, and the caller must not blindly enroll.
    /// </summary>
    public async Task<EnrollmentRecord?> TryBeginAsync(string contactId, long workflowId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var entity = Entity(contactId, workflowId, EnrollmentState.Pending, now);
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RequestFailedException ex) when (TableOperations.IsConflict(ex))
        {
            var existing = await _table.GetEntityAsync<EnrollmentEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Record(existing.Value);
        }
    }

    public async Task MarkEnrolledAsync(string contactId, long workflowId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var entity = Entity(contactId, workflowId, EnrollmentState.Enrolled, now);
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every record of the workflow, ordered by contact id (as stored).</summary>
    public async Task<IReadOnlyList<EnrollmentRecord>> ListAsync(long workflowId, CancellationToken cancellationToken = default)
    {
        var partition = workflowId.ToString(CultureInfo.InvariantCulture);
        var records = new List<EnrollmentRecord>();
        var query = _table.QueryAsync<EnrollmentEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken);
        await foreach (var e in query.ConfigureAwait(false))
        {
            records.Add(Record(e));
        }

        return records;
    }

    private static EnrollmentEntity Entity(string contactId, long workflowId, EnrollmentState state, DateTimeOffset now) => new()
    {
        PartitionKey = workflowId.ToString(CultureInfo.InvariantCulture),
        RowKey = TableOperations.Key(contactId, nameof(contactId)),
        State = state.ToString(),
        UpdatedAt = now,
    };

    private static EnrollmentRecord Record(EnrollmentEntity e) =>
        new(e.RowKey, long.Parse(e.PartitionKey, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), Enum.Parse<EnrollmentState>(e.State), e.UpdatedAt);
}

internal sealed class EnrollmentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string State { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }
}
