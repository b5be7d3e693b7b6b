using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Admin;

/// <summary>
/// Changes the admin endpoints make as if HubSpot or one of its users made them (changeSource CRM_UI): activity on a
/// contact, new contacts, new deals. Each runs inside one store write, so its webhook events share one operation.
/// </summary>
internal static class AdminWrites
{
    public static readonly ChangeSource CrmUi = new("CRM_UI", "userId:" + SyntheticData.Owners[0].Id);

    public static readonly string[] ActivityTypes = ["email_open", "email_reply", "meeting", "call"];

    /// <summary>
    /// Adds <paramref name="count"/> engagements of one kind at once, associates them, and updates the contact's
    /// activity properties in one write (one webhook operation).
    /// </summary>
    public static JsonObject AddActivity(PortalWriter w, CrmObject contact, string activity, int count = 1)
    {
        var data = w.Data;
        var now = w.Now;
        var generator = Generator(w);
        var company = PrimaryCompany(data, contact);
        var deal = data.Associated(ObjectType.Contacts, contact.Id, ObjectType.Deals).Keys
            .Select(id => data.Find(ObjectType.Deals, id))
            .LastOrDefault(d => d?.Get("hs_is_closed") != "true");
        var stamp = Formats.Iso(now);
        var updates = new Dictionary<string, string>(StringComparer.Ordinal);
        var (type, draw) = activity switch
        {
            "email_open" => (ObjectType.Emails, (Func<Dictionary<string, string>>)(() => generator.Email(contact, incoming: false, now))),
            "email_reply" => (ObjectType.Emails, () => generator.Email(contact, incoming: true, now)),
            "meeting" => (ObjectType.Meetings, () => generator.Meeting(contact, now, "COMPLETED")),
            _ => (ObjectType.Calls, () => generator.Call(contact, now, connected: true)),
        };
        switch (activity)
        {
            case "email_open":
                updates["hs_email_open"] = Plus(contact, "hs_email_open", count);
                updates["hs_email_last_open_date"] = stamp;
                updates["hs_sales_email_last_opened"] = stamp;
                break;
            case "email_reply":
                updates["hs_sales_email_last_replied"] = stamp;
                updates["num_notes"] = Plus(contact, "num_notes", count);
                break;
            default:
                updates["notes_last_contacted"] = stamp;
                updates["num_contacted_notes"] = Plus(contact, "num_contacted_notes", count);
                updates["num_notes"] = Plus(contact, "num_notes", count);
                break;
        }

        if (activity != "email_open")
        {
            updates["notes_last_updated"] = stamp;
            updates["hs_last_sales_activity_timestamp"] = stamp;
        }

        var ids = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var created = w.Create(type, draw(), CrmUi);
            data.Associate(ObjectType.Contacts, contact.Id, type, created.Id);
            if (company is not null)
            {
                data.Associate(ObjectType.Companies, company.Id, type, created.Id);
            }

            if (deal is not null)
            {
                data.Associate(ObjectType.Deals, deal.Id, type, created.Id);
            }

            ids.Add(Formats.Text(created.Id));
        }

        var changed = w.Update(contact, updates, CrmUi);
        return new JsonObject
        {
            ["contactId"] = Formats.Text(contact.Id),
            ["activity"] = activity,
            ["engagementType"] = type.Name,
            ["engagementId"] = ids[0]!.GetValue<string>(),
            ["count"] = count,
            ["engagementIds"] = ids,
            ["changedProperties"] = new JsonArray([.. changed.Select(c => (JsonNode)c)]),
        };
    }

    /// <summary>New leads at existing companies, created now; each fires contact.creation (the companies' contact counts follow when the write completes).</summary>
    public static List<CrmObject> CreateContacts(PortalWriter w, int count, IReadOnlyDictionary<string, string> overrides)
    {
        var data = w.Data;
        var generator = Generator(w);
        var companies = data.Objects[ObjectType.Companies].Values.ToList();
        var created = new List<CrmObject>(count);
        for (var i = 0; i < count; i++)
        {
            var draft = generator.DraftContact(companies, w.Now);
            draft.Properties["lifecyclestage"] = "lead";
            draft.Properties.Remove("createdate");
            foreach (var (name, value) in overrides)
            {
                draft.Properties[name] = value;
            }

            // The draft's associatedcompanyid (or an override of it) makes the primary company association.
            var contact = w.Create(ObjectType.Contacts, draft.Properties, CrmUi);
            data.GroundTruth[contact.Id] = draft.Truth;
            created.Add(contact);
        }

        return created;
    }

    /// <summary>Deals for a contact and/or company; roll-ups on both are updated, and a won deal makes the contact a customer.</summary>
    public static List<CrmObject> CreateDeals(PortalWriter w, CrmObject? contact, CrmObject? company, int count, string stage, decimal? amount)
    {
        var data = w.Data;
        var generator = Generator(w);
        company ??= contact is null ? null : PrimaryCompany(data, contact);
        var closed = stage is "closedwon" or "closedlost";
        var deals = new List<CrmObject>(count);
        for (var i = 0; i < count; i++)
        {
            var properties = generator.Deal(contact, company, stage, amount ?? generator.DealAmount(company), w.Now, closed ? w.Now : w.Now.AddDays(30));
            properties.Remove("createdate");
            var deal = w.Create(ObjectType.Deals, properties, CrmUi);
            if (contact is not null)
            {
                data.Associate(ObjectType.Deals, deal.Id, ObjectType.Contacts, contact.Id);
            }

            if (company is not null)
            {
                data.Associate(ObjectType.Deals, deal.Id, ObjectType.Companies, company.Id, primary: true);
            }

            deals.Add(deal);
        }

        if (contact is not null)
        {
            var updates = new Dictionary<string, string>
            {
                ["num_associated_deals"] = Formats.Text(data.Associated(ObjectType.Contacts, contact.Id, ObjectType.Deals).Count),
            };
            if (stage == "closedwon")
            {
                updates["lifecyclestage"] = "customer";
                if (data.GroundTruth.TryGetValue(contact.Id, out var truth))
                {
                    data.GroundTruth[contact.Id] = truth with { Converted = true };
                }
            }
            else if (!closed && contact.Get("lifecyclestage") is not ("customer" or "evangelist"))
            {
                updates["lifecyclestage"] = "opportunity";
            }

            w.Update(contact, updates, CrmUi);
        }

        if (company is not null)
        {
            w.Update(company, new Dictionary<string, string>
            {
                ["num_associated_deals"] = Formats.Text(data.Associated(ObjectType.Companies, company.Id, ObjectType.Deals).Count),
            }, CrmUi);
        }

        return deals;
    }

    public static CrmObject? PrimaryCompany(PortalData data, CrmObject contact)
    {
        var companies = data.Associated(ObjectType.Contacts, contact.Id, ObjectType.Companies);
        var id = companies.FirstOrDefault(c => c.Value).Key;
        return id != 0 ? data.Find(ObjectType.Companies, id) : companies.Count > 0 ? data.Find(ObjectType.Companies, companies.Keys.First()) : null;
    }

    /// <summary>A generator of its own per admin call, seeded from the portal seed, so replaying the same calls gives the same data.</summary>
    private static PortalGenerator Generator(PortalWriter w)
    {
        var random = new Random(unchecked((w.Data.Seed * 31) + ++w.Data.GeneratedBatches));
        return new PortalGenerator(w.Data, random, w.Now);
    }

    /// <summary>A counter property plus <paramref name="by"/>, as text.</summary>
    public static string Plus(CrmObject obj, string property, int by) =>
        Formats.Text((long.TryParse(obj.Get(property), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0) + by);
}
