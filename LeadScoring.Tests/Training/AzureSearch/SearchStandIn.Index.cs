using System.Text.Json.Nodes;

namespace LeadScoring.Tests.Training.AzureSearch;

internal sealed partial class SearchStandIn
{
    /// <summary>An index: its definition (fields, vector profiles) and its documents.</summary>
    private sealed class StandInIndex
    {
        private readonly Dictionary<string, JsonObject> _fields = new(StringComparer.Ordinal);
        private readonly string _key;

        public StandInIndex(JsonObject definition)
        {
            Definition = definition;
            var fields = definition["fields"] as JsonArray ?? throw new BadRequestException("An index needs a 'fields' array.");
            foreach (var field in fields.Select(f => f as JsonObject ?? throw new BadRequestException("A field must be an object.")))
            {
                var name = (string?)field["name"] ?? throw new BadRequestException("A field needs a name.");
                if (!_fields.TryAdd(name, field))
                {
                    throw new BadRequestException($"Field '{name}' is defined twice.");
                }
            }

            var keys = _fields.Values.Where(f => (bool?)f["key"] == true).ToList();
            if (keys.Count != 1 || (string?)keys[0]["type"] != "Edm.String")
            {
                throw new BadRequestException("An index needs exactly one key field, of type Edm.String.");
            }

            _key = (string)keys[0]["name"]!;
            var profiles = (definition["vectorSearch"]?["profiles"] as JsonArray ?? []).ToDictionary(p => (string)p!["name"]!, p => (string?)p!["algorithm"]);
            var algorithms = (definition["vectorSearch"]?["algorithms"] as JsonArray ?? []).ToDictionary(a => (string)a!["name"]!, a => a!);
            foreach (var (name, field) in _fields.Where(f => (string?)f.Value["type"] == "Collection(Edm.Single)"))
            {
                var dimensions = (int?)field["dimensions"] ?? throw new BadRequestException($"Vector field '{name}' needs 'dimensions'.");
                if (dimensions is < 1 or > 3072)
                {
                    throw new BadRequestException($"Vector field '{name}' has {dimensions} dimensions; 1–3072 are allowed.");
                }

                if ((bool?)field["searchable"] != true)
                {
                    throw new BadRequestException($"Vector field '{name}' must be searchable.");
                }

                var profile = (string?)field["vectorSearchProfile"] ?? throw new BadRequestException($"Vector field '{name}' needs a vectorSearchProfile.");
                if (!profiles.TryGetValue(profile, out var algorithm) || algorithm is null || !algorithms.TryGetValue(algorithm, out var configuration))
                {
                    throw new BadRequestException($"Vector field '{name}' refers to profile '{profile}', which is not defined with an existing algorithm.");
                }

                var metric = (string?)configuration["hnswParameters"]?["metric"] ?? (string?)configuration["exhaustiveKnnParameters"]?["metric"] ?? "cosine";
                if (metric != "cosine")
                {
                    throw new BadRequestException($"The stand-in scores the cosine metric only (profile '{profile}' uses '{metric}').");
                }
            }
        }

        public JsonObject Definition { get; }

        public Dictionary<string, JsonObject> Documents { get; } = new(StringComparer.Ordinal);

        public (string Action, string Key, JsonObject Document) CheckAction(JsonObject action)
        {
            var kind = (string?)action["@search.action"] ?? "upload";
            var key = (string?)action[_key] ?? throw new BadRequestException($"An indexing action has no key field '{_key}'.");
            var document = new JsonObject();
            foreach (var (name, value) in action)
            {
                if (name == "@search.action")
                {
                    continue;
                }

                if (!_fields.TryGetValue(name, out var field))
                {
                    throw new BadRequestException($"The request is invalid. Details: The property '{name}' does not exist on type 'search.documentFields'.");
                }

                if ((string?)field["type"] == "Collection(Edm.Single)" && value is JsonArray vector && vector.Count != (int)field["dimensions"]!)
                {
                    throw new BadRequestException($"The vector field '{name}' must have dimension {field["dimensions"]}, but has {vector.Count}.");
                }

                document[name] = value?.DeepClone();
            }

            if (kind is not ("upload" or "merge" or "mergeOrUpload" or "delete"))
            {
                throw new BadRequestException($"Unknown @search.action '{kind}'.");
            }

            return (kind, key, document);
        }

        public (bool Ok, int Status, string? Message) Apply(string action, string key, JsonObject document)
        {
            if (key.Length is 0 or > 1024 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '='))
            {
                return (false, 400, $"Invalid document key: '{key}'. Keys can only contain letters, digits, underscore (_), dash (-), or equal sign (=).");
            }

            switch (action)
            {
                case "delete":
                    Documents.Remove(key);
                    return (true, 200, null);
                case "upload":
                    var created = !Documents.ContainsKey(key);
                    Documents[key] = document;
                    return (true, created ? 201 : 200, null);
                case "merge" when !Documents.ContainsKey(key):
                    return (false, 404, $"Document not found: '{key}'.");
                default:
                    if (Documents.TryGetValue(key, out var existing))
                    {
                        foreach (var (name, value) in document)
                        {
                            existing[name] = value?.DeepClone();
                        }

                        return (true, 200, null);
                    }

                    Documents[key] = document;
                    return (true, 201, null);
            }
        }

        public JsonObject Search(JsonObject body)
        {
            var filter = (string?)body["filter"] is { } text ? ODataFilter.Parse(text, _fields) : (_ => true);
            var candidates = Documents.Values.AsEnumerable();
            var vectorQueries = body["vectorQueries"] as JsonArray ?? [];
            var postFilter = (string?)body["vectorFilterMode"] == "postFilter";
            var search = (string?)body["search"];
            if (search is not (null or "*") && vectorQueries.Count == 0)
            {
                throw new BadRequestException("The stand-in answers only '*' text searches.");
            }

            List<(JsonObject Document, double Score)> ranked;
            if (vectorQueries.Count == 0)
            {
                ranked = [.. candidates.Where(filter).Select(d => (d, 1.0))];
                ranked = Order(ranked, (string?)body["orderby"]);
            }
            else
            {
                if (vectorQueries.Count > 1 || search is not (null or "*"))
                {
                    throw new BadRequestException("The stand-in answers one vector query alone (no hybrid or multi-vector fusion).");
                }

                var vectorQuery = vectorQueries[0] as JsonObject ?? throw new BadRequestException("A vector query must be an object.");
                if ((string?)vectorQuery["kind"] != "vector")
                {
                    throw new BadRequestException($"Vector query kind '{vectorQuery["kind"]}' is not handled by the stand-in.");
                }

                var fieldName = (string?)vectorQuery["fields"] ?? throw new BadRequestException("A vector query needs 'fields'.");
                if (!_fields.TryGetValue(fieldName, out var field) || (string?)field["type"] != "Collection(Edm.Single)")
                {
                    throw new BadRequestException($"'{fieldName}' is not a vector field.");
                }

                var k = (int?)vectorQuery["k"] ?? throw new BadRequestException("A vector query needs 'k'.");
                var query = (vectorQuery["vector"] as JsonArray ?? throw new BadRequestException("A vector query needs 'vector'.")).Select(v => (double)v!).ToArray();
                if (query.Length != (int)field["dimensions"]!)
                {
                    throw new BadRequestException($"The vector query's 'vector' property has {query.Length} dimensions; field '{fieldName}' has {field["dimensions"]}.");
                }

                ranked = [.. (postFilter ? candidates : candidates.Where(filter))
                    .Where(d => d[fieldName] is JsonArray)
                    .Select(d => (d, Score: 1 / (2 - Cosine(query, (JsonArray)d[fieldName]!))))
                    .OrderByDescending(m => m.Score).ThenBy(m => (string)m.d[_key]!, StringComparer.Ordinal)
                    .Take(k)];
                if (postFilter)
                {
                    ranked = [.. ranked.Where(m => filter(m.Document))];
                }
            }

            var count = ranked.Count;
            var skip = (int?)body["skip"] ?? 0;
            var top = (int?)body["top"] ?? 50;
            var select = (string?)body["select"];
            var value = new JsonArray();
            foreach (var (document, score) in ranked.Skip(skip).Take(top))
            {
                var projected = Project(document, select);
                projected["@search.score"] = score;
                value.Add(projected);
            }

            var reply = new JsonObject();
            if ((bool?)body["count"] == true)
            {
                reply["@odata.count"] = count;
            }

            reply["value"] = value;
            return reply;
        }

        public JsonObject Project(JsonObject document, string? select)
        {
            var names = select is null
                ? _fields.Keys.Where(n => (bool?)_fields[n]["retrievable"] != false)
                : select.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var projected = new JsonObject();
            foreach (var name in names)
            {
                if (!_fields.TryGetValue(name, out var field))
                {
                    throw new BadRequestException($"Invalid expression: Could not find a property named '{name}' on type 'search.document'.");
                }

                if ((bool?)field["retrievable"] != false)
                {
                    projected[name] = document[name]?.DeepClone();
                }
            }

            return projected;
        }

        private List<(JsonObject Document, double Score)> Order(List<(JsonObject Document, double Score)> ranked, string? orderBy)
        {
            if (orderBy is null)
            {
                return [.. ranked.OrderBy(m => (string)m.Document[_key]!, StringComparer.Ordinal)];
            }

            IOrderedEnumerable<(JsonObject Document, double Score)>? ordered = null;
            foreach (var clause in orderBy.Split(',', StringSplitOptions.TrimEntries))
            {
                var parts = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = parts[0];
                if (!_fields.TryGetValue(name, out var field) || (bool?)field["sortable"] != true)
                {
                    throw new BadRequestException($"Invalid expression: '{name}' is not a sortable field.");
                }

                var descending = parts.Length > 1 && parts[1] == "desc";
                var comparer = Comparer<JsonNode?>.Create(ODataFilter.Compare);
                ordered = ordered is null
                    ? descending ? ranked.OrderByDescending(m => m.Document[name], comparer) : ranked.OrderBy(m => m.Document[name], comparer)
                    : descending ? ordered.ThenByDescending(m => m.Document[name], comparer) : ordered.ThenBy(m => m.Document[name], comparer);
            }

            return [.. ordered!];
        }

        private static double Cosine(double[] query, JsonArray vector)
        {
            double dot = 0, normQ = 0, normV = 0;
            for (var i = 0; i < query.Length; i++)
            {
                var v = (double)vector[i]!;
                dot += query[i] * v;
                normQ += query[i] * query[i];
                normV += v * v;
            }

            return dot / Math.Sqrt(normQ * normV);
        }
    }
}
