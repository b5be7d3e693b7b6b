using System.Numerics.Tensors;

namespace LeadScoring.Core.Training.Similarity;

public sealed partial class EmbeddedVectorIndex
{
    /// <summary>The rows of one embedder version: a contiguous row-major matrix and parallel arrays, compacted on removal.</summary>
    private sealed class Segment(string version, int dimensions)
    {
        private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
        private float[] _matrix = [];
        private string[] _ids = [];
        private byte[] _classifications = [];
        private byte[] _scores = [];

        public string Version { get; } = version;

        public int Dimensions { get; } = dimensions;

        public int Count { get; private set; }

        public int[] ClassificationCounts { get; } = new int[2];

        public IEnumerable<string> Ids => _ids;

        public void Set(Row row)
        {
            if (_rows.TryGetValue(row.Id, out var index))
            {
                ClassificationCounts[_classifications[index]]--;
            }
            else
            {
                Grow(Count + 1);
                index = Count++;
                _rows.Add(row.Id, index);
                _ids[index] = row.Id;
            }

            row.Vector.CopyTo(_matrix.AsSpan(index * Dimensions, Dimensions));
            _classifications[index] = row.Classification;
            _scores[index] = row.Score;
            ClassificationCounts[row.Classification]++;
        }

        public void Remove(string id)
        {
            if (!_rows.Remove(id, out var index))
            {
                return;
            }

            ClassificationCounts[_classifications[index]]--;
            var last = Count - 1;
            if (index != last)
            {
                _matrix.AsSpan(last * Dimensions, Dimensions).CopyTo(_matrix.AsSpan(index * Dimensions, Dimensions));
                _ids[index] = _ids[last];
                _classifications[index] = _classifications[last];
                _scores[index] = _scores[last];
                _rows[_ids[index]] = index;
            }

            _ids[last] = null!;
            Count = last;
        }

        public VectorMatch[] Search(ReadOnlyMemory<float> query, float queryNorm, int k, int classification, string? excludeId, int parallelism)
        {
            var excluded = excludeId is not null && _rows.TryGetValue(excludeId, out var row) && (classification == AnyClassification || _classifications[row] == classification) ? row : -1;
            var take = Math.Min(k, (classification == AnyClassification ? Count : ClassificationCounts[classification]) - (excluded >= 0 ? 1 : 0));
            if (take == 0)
            {
                return [];
            }

            var slices = parallelism;
            var found = new TopK[slices];
            if (slices == 1)
            {
                found[0] = Scan(query.Span, 0, Count, take, classification, excluded);
            }
            else
            {
                var size = (Count + slices - 1) / slices;
                Parallel.For(0, slices, s => found[s] = Scan(query.Span, s * size, Math.Min(Count, (s + 1) * size), take, classification, excluded));
            }

            var candidates = new List<(float Similarity, int Row)>(take * slices);
            foreach (var top in found)
            {
                top.AddTo(candidates);
            }

            candidates.Sort((a, b) => b.Similarity != a.Similarity ? b.Similarity.CompareTo(a.Similarity) : string.CompareOrdinal(_ids[a.Row], _ids[b.Row]));
            var matches = new VectorMatch[Math.Min(take, candidates.Count)];
            for (var i = 0; i < matches.Length; i++)
            {
                var match = candidates[i].Row;
                matches[i] = new VectorMatch(_ids[match], ClassificationName(_classifications[match]), _scores[match], candidates[i].Similarity / queryNorm);
            }

            return matches;
        }

        private TopK Scan(ReadOnlySpan<float> query, int from, int to, int take, int classification, int excluded)
        {
            var top = new TopK(take);
            var matrix = _matrix;
            var classifications = _classifications;
            var dimensions = Dimensions;
            for (var row = from; row < to; row++)
            {
                if ((classification == AnyClassification || classifications[row] == classification) && row != excluded)
                {
                    top.Offer(TensorPrimitives.Dot(query, new ReadOnlySpan<float>(matrix, row * dimensions, dimensions)), row);
                }
            }

            return top;
        }

        private void Grow(int rows)
        {
            if (rows <= _ids.Length)
            {
                return;
            }

            var capacity = Math.Max(rows, Math.Max(16, _ids.Length * 2));
            Array.Resize(ref _matrix, checked(capacity * Dimensions));
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _classifications, capacity);
            Array.Resize(ref _scores, capacity);
        }
    }
}
