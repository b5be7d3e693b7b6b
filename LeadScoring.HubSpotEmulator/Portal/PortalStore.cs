namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>Receives the changes each write made (webhooks); called under the store's lock so order is write order.</summary>
internal interface IChangeSink
{
    void Publish(IReadOnlyList<ObjectChange> changes);
}

/// <summary>
/// The thread-safe portal: every read and write runs under one lock against <see cref="PortalData"/>. Capabilities
/// (API, admin) bring their own logic as delegates, so the store stays small and nothing escapes the lock.
/// </summary>
internal sealed class PortalStore(PortalData data, IChangeSink changes, TimeProvider time)
{
    private readonly Lock _gate = new();
    private PortalData _data = data;
    private long _operations;

    public T Read<T>(Func<PortalData, T> read)
    {
        lock (_gate)
        {
            return read(_data);
        }
    }

    public T Write<T>(Func<PortalWriter, T> write)
    {
        lock (_gate)
        {
            var writer = new PortalWriter(_data, time.GetUtcNow(), () => ++_operations);
            var result = write(writer);
            writer.Complete();
            if (writer.Changes.Count > 0)
            {
                changes.Publish(writer.Changes);
            }

            return result;
        }
    }

    public void Replace(PortalData replacement)
    {
        lock (_gate)
        {
            _data = replacement;
        }
    }
}

/// <summary>Writes through the store: records every write, bumps modification times and collects webhook changes.</summary>
internal sealed class PortalWriter(PortalData data, DateTimeOffset now, Func<long> nextOperation)
{
    private const string PrimaryCompanyProperty = "associatedcompanyid";

    private readonly Dictionary<long, ChangeSource> _recount = [];

    public PortalData Data => data;

    public DateTimeOffset Now => now;

    public List<ObjectChange> Changes { get; } = [];

    public CrmObject Create(ObjectType type, IReadOnlyDictionary<string, string> properties, ChangeSource source)
    {
        var obj = data.NewObject(type, now);
        var operation = nextOperation();
        foreach (var (name, value) in properties)
        {
            if (value.Length > 0)
            {
                obj.Properties[name] = value;
                Record(obj, name, value, null, source, changed: true);
            }
        }

        data.IndexEmail(obj, null);
        if (type == ObjectType.Contacts && obj.Get(PrimaryCompanyProperty) is not null)
        {
            SyncPrimaryCompany(obj, source);
        }

        if (type.HasWebhooks)
        {
            Changes.Add(new ObjectChange(type, obj.Id, ChangeKind.Created, null, null, source, now, operation));
        }

        return obj;
    }

    /// <summary>Applies already validated values; returns the properties whose value actually changed.</summary>
    public IReadOnlyList<string> Update(CrmObject obj, IReadOnlyDictionary<string, string> values, ChangeSource source)
    {
        var operation = nextOperation();
        var changed = new List<string>();
        foreach (var (name, value) in values)
        {
            var previous = obj.Properties.GetValueOrDefault(name);
            var isChange = !string.Equals(previous ?? "", value, StringComparison.Ordinal);
            Record(obj, name, value, previous, source, isChange);
            if (!isChange)
            {
                continue;
            }

            var oldEmail = name == "email" ? previous : null;
            if (value.Length == 0)
            {
                obj.Properties.Remove(name);
            }
            else
            {
                obj.Properties[name] = value;
            }

            if (name == "email")
            {
                data.IndexEmail(obj, oldEmail);
            }

            changed.Add(name);
            if (obj.Type.HasWebhooks && name is not ("lastmodifieddate" or "hs_lastmodifieddate"))
            {
                Changes.Add(new ObjectChange(obj.Type, obj.Id, ChangeKind.PropertyChanged, name, value, source, now, operation));
            }
        }

        if (obj.Type == ObjectType.Contacts && changed.Contains(PrimaryCompanyProperty))
        {
            SyncPrimaryCompany(obj, source);
        }

        if (changed.Count > 0)
        {
            var stamp = Formats.Iso(now);
            obj.Properties["hs_lastmodifieddate"] = stamp;
            obj.Properties[obj.Type.ModifiedProperty] = stamp;
        }

        return changed;
    }

    /// <summary>Writing <c>associatedcompanyid</c> moves the contact's primary company association, as in HubSpot (values are validated to name an existing company).</summary>
    private void SyncPrimaryCompany(CrmObject contact, ChangeSource source)
    {
        var company = contact.Get(PrimaryCompanyProperty) is { } value ? data.Find(ObjectType.Companies, value) : null;
        if (data.SetPrimaryCompany(contact, company?.Id) && company is not null)
        {
            _recount[company.Id] = source;
        }
    }

    /// <summary>Ends the write: companies that gained contacts get their count once, however many contacts joined.</summary>
    public void Complete()
    {
        foreach (var (id, source) in _recount)
        {
            if (data.Find(ObjectType.Companies, id) is { } company)
            {
                Update(company, new Dictionary<string, string>
                {
                    ["num_associated_contacts"] = Formats.Text(data.Associated(ObjectType.Companies, id, ObjectType.Contacts).Count),
                }, source);
            }
        }

        _recount.Clear();
    }

    private void Record(CrmObject obj, string name, string value, string? previous, ChangeSource source, bool changed)
    {
        var key = new ObjectKey(obj.Type, obj.Id);
        if (!data.Writes.TryGetValue(key, out var log))
        {
            data.Writes[key] = log = [];
        }

        log.Add(new WriteRecord(name, value, previous, now, source.Name, source.SourceId, changed));
    }
}
