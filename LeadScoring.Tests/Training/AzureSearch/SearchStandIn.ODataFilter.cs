using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadScoring.Tests.Training.AzureSearch;

internal sealed partial class SearchStandIn
{
    /// <summary>
    /// The OData $filter subset the adapter needs, parsed strictly: comparisons (eq ne gt ge lt le) of a filterable field
    /// with a literal ('text' with '' for a quote, integers, true, false, null), and, or, not, parentheses.
    /// </summary>
    private static class ODataFilter
    {
        public static Func<JsonObject, bool> Parse(string text, Dictionary<string, JsonObject> fields)
        {
            var tokens = Tokenize(text);
            var position = 0;
            var result = Or();
            if (position != tokens.Count)
            {
                throw new BadRequestException($"Invalid expression: Syntax error at position {tokens[position].At} in '{text}'.");
            }

            return result;

            Func<JsonObject, bool> Or()
            {
                var left = And();
                while (Accept("or"))
                {
                    var l = left;
                    var r = And();
                    left = d => l(d) || r(d);
                }

                return left;
            }

            Func<JsonObject, bool> And()
            {
                var left = Unary();
                while (Accept("and"))
                {
                    var l = left;
                    var r = Unary();
                    left = d => l(d) && r(d);
                }

                return left;
            }

            Func<JsonObject, bool> Unary()
            {
                if (Accept("not"))
                {
                    var inner = Unary();
                    return d => !inner(d);
                }

                if (Accept("("))
                {
                    var inner = Or();
                    Expect(")");
                    return inner;
                }

                var field = Next(TokenKind.Identifier);
                if (!fields.TryGetValue(field.Text, out var definition))
                {
                    throw new BadRequestException($"Invalid expression: Could not find a property named '{field.Text}' on type 'search.document'.");
                }

                if ((bool?)definition["filterable"] != true)
                {
                    throw new BadRequestException($"Invalid expression: '{field.Text}' is not a filterable field. Only filterable fields can be used in filter expressions.");
                }

                var op = Next(TokenKind.Identifier).Text;
                var literal = Next(TokenKind.Literal);
                var type = (string?)definition["type"];
                if (literal.Value is not null && (type == "Edm.String") != (literal.Value.GetValueKind() == JsonValueKind.String))
                {
                    throw new BadRequestException($"Invalid expression: A literal of the wrong type is compared with '{field.Text}' ({type}).");
                }

                var name = field.Text;
                var value = literal.Value;
                return op switch
                {
                    "eq" => d => Compare(d[name], value) == 0,
                    "ne" => d => Compare(d[name], value) != 0,
                    "gt" => d => d[name] is not null && Compare(d[name], value) > 0,
                    "ge" => d => d[name] is not null && Compare(d[name], value) >= 0,
                    "lt" => d => d[name] is not null && Compare(d[name], value) < 0,
                    "le" => d => d[name] is not null && Compare(d[name], value) <= 0,
                    _ => throw new BadRequestException($"Invalid expression: '{op}' is not a comparison operator."),
                };
            }

            bool Accept(string word)
            {
                if (position < tokens.Count && tokens[position].Kind != TokenKind.Literal && tokens[position].Text == word)
                {
                    position++;
                    return true;
                }

                return false;
            }

            void Expect(string word)
            {
                if (!Accept(word))
                {
                    throw new BadRequestException($"Invalid expression: '{word}' expected in '{text}'.");
                }
            }

            Token Next(TokenKind kind)
            {
                if (position >= tokens.Count || tokens[position].Kind != kind)
                {
                    throw new BadRequestException($"Invalid expression: Syntax error at position {(position < tokens.Count ? tokens[position].At : text.Length)} in '{text}'.");
                }

                return tokens[position++];
            }
        }

        /// <summary>Strings ordinally, numbers numerically, null before anything.</summary>
        public static int Compare(JsonNode? a, JsonNode? b)
        {
            if (a is null || b is null)
            {
                return (a is null ? 0 : 1) - (b is null ? 0 : 1);
            }

            return a.GetValueKind() == JsonValueKind.String && b.GetValueKind() == JsonValueKind.String
                ? string.CompareOrdinal((string)a!, (string)b!)
                : ((double)a).CompareTo((double)b);
        }

        private static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '(' or ')')
                {
                    tokens.Add(new Token(TokenKind.Punctuation, c.ToString(), null, i++));
                }
                else if (c == '\'')
                {
                    var start = i++;
                    var value = new System.Text.StringBuilder();
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new BadRequestException($"Invalid expression: Unterminated string literal at position {start} in '{text}'.");
                        }

                        if (text[i] == '\'')
                        {
                            if (i + 1 < text.Length && text[i + 1] == '\'')
                            {
                                value.Append('\'');
                                i += 2;
                                continue;
                            }

                            i++;
                            break;
                        }

                        value.Append(text[i++]);
                    }

                    tokens.Add(new Token(TokenKind.Literal, value.ToString(), JsonValue.Create(value.ToString()), start));
                }
                else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
                {
                    var start = i++;
                    while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                    {
                        i++;
                    }

                    var number = double.Parse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
                    tokens.Add(new Token(TokenKind.Literal, text[start..i], JsonValue.Create(number), start));
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var start = i++;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '/'))
                    {
                        i++;
                    }

                    var word = text[start..i];
                    tokens.Add(word switch
                    {
                        "true" or "false" => new Token(TokenKind.Literal, word, JsonValue.Create(word == "true"), start),
                        "null" => new Token(TokenKind.Literal, word, null, start),
                        _ => new Token(TokenKind.Identifier, word, null, start),
                    });
                }
                else
                {
                    throw new BadRequestException($"Invalid expression: Unexpected character '{c}' at position {i} in '{text}'.");
                }
            }

            return tokens;
        }

        private enum TokenKind
        {
            Identifier,
            Literal,
            Punctuation,
        }

        private sealed record Token(TokenKind Kind, string Text, JsonNode? Value, int At);
    }
}
