using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>Renders records the way CRM v3 returns them.</summary>
internal static class ObjectJson
{
    /// <summary>
    /// <c>{id, properties, createdAt, updatedAt, archived}</c> (+ <c>associations</c>). Requested properties without a
    /// value are omitted (get, batch) or null (search, <paramref name="nullForEmpty"/>); none requested means the
    /// type's default set. Unknown property names are ignored, as HubSpot does.
    /// </summary>
    public static JsonObject Render(
        PortalData data, CrmObject obj, IReadOnlyCollection<string>? requested, bool nullForEmpty = false, IReadOnlyList<ObjectType>? associations = null)
    {
        var definitions = data.Properties[obj.Type];
        var names = new SortedSet<string>(requested is { Count: > 0 } ? requested.Where(definitions.ContainsKey) : obj.Type.DefaultProperties, StringComparer.Ordinal);
        names.UnionWith(obj.Type.AlwaysReturned);
        var properties = new JsonObject();
        foreach (var name in names)
        {
            if (obj.Get(name) is { } value)
            {
                properties[name] = value;
            }
            else if (nullForEmpty)
            {
                properties[name] = null;
            }
        }

        var json = new JsonObject
        {
            ["id"] = Formats.Text(obj.Id),
            ["properties"] = properties,
            ["createdAt"] = Formats.Iso(obj.CreatedAt),
            ["updatedAt"] = Formats.Iso(obj.UpdatedAt),
            ["archived"] = false,
        };

        if (associations is { Count: > 0 })
        {
            var block = new JsonObject();
            foreach (var to in associations.Where(t => AssociationTypes.Exists(obj.Type, t)))
            {
                var results = new JsonArray();
                foreach (var (toId, primary) in data.Associated(obj.Type, obj.Id, to))
                {
                    foreach (var name in AssociationTypes.V3Names(obj.Type, to, primary))
                    {
                        results.Add(new JsonObject { ["id"] = Formats.Text(toId), ["type"] = name });
                    }
                }

                if (results.Count > 0)
                {
                    block[to.Name] = new JsonObject { ["results"] = results };
                }
            }

            if (block.Count > 0)
            {
                json["associations"] = block;
            }
        }

        return json;
    }
}
