using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Admin;

/// <summary>The whole portal as JSON in a stable order (every object, property and association), to compare seeds and debug.</summary>
internal static class PortalExport
{
    public static JsonObject ToJson(PortalData data)
    {
        var objects = new JsonObject();
        foreach (var (type, records) in data.Objects)
        {
            objects[type.Name] = new JsonArray([.. records.Values.Select(o =>
            {
                var properties = new JsonObject();
                foreach (var (name, value) in o.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    properties[name] = value;
                }

                return (JsonNode)new JsonObject
                {
                    ["id"] = Formats.Text(o.Id),
                    ["createdAt"] = Formats.Iso(o.CreatedAt),
                    ["updatedAt"] = Formats.Iso(o.UpdatedAt),
                    ["properties"] = properties,
                };
            })]);
        }

        var associations = new JsonArray();
        foreach (var (from, byType) in data.Associations.OrderBy(a => a.Key.Type.Name, StringComparer.Ordinal).ThenBy(a => a.Key.Id))
        {
            foreach (var (to, ids) in byType.OrderBy(t => t.Key.Name, StringComparer.Ordinal))
            {
                foreach (var (toId, primary) in ids)
                {
                    associations.Add(new JsonArray(from.Type.Name, Formats.Text(from.Id), to.Name, Formats.Text(toId), primary));
                }
            }
        }

        return new JsonObject
        {
            ["seed"] = data.Seed,
            ["seededAt"] = Formats.Iso(data.SeededAt),
            ["objects"] = objects,
            ["associations"] = associations,
        };
    }
}
