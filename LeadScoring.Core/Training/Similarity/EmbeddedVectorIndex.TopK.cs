namespace LeadScoring.Core.Training.Similarity;

public sealed partial class EmbeddedVectorIndex
{
    /// <summary>The best <c>capacity</c> (similarity, row) pairs seen: a min-heap, so a row that is not better than the worst kept costs one comparison.</summary>
    private sealed class TopK(int capacity)
    {
        private readonly float[] _similarities = new float[capacity];
        private readonly int[] _rows = new int[capacity];
        private int _count;

        public void Offer(float similarity, int row)
        {
            if (_count < _similarities.Length)
            {
                var i = _count++;
                while (i > 0)
                {
                    var parent = (i - 1) / 2;
                    if (_similarities[parent] <= similarity)
                    {
                        break;
                    }

                    _similarities[i] = _similarities[parent];
                    _rows[i] = _rows[parent];
                    i = parent;
                }

                _similarities[i] = similarity;
                _rows[i] = row;
            }
            else if (similarity > _similarities[0])
            {
                var i = 0;
                while (true)
                {
                    var child = (2 * i) + 1;
                    if (child >= _count)
                    {
                        break;
                    }

                    if (child + 1 < _count && _similarities[child + 1] < _similarities[child])
                    {
                        child++;
                    }

                    if (_similarities[child] >= similarity)
                    {
                        break;
                    }

                    _similarities[i] = _similarities[child];
                    _rows[i] = _rows[child];
                    i = child;
                }

                _similarities[i] = similarity;
                _rows[i] = row;
            }
        }

        public void AddTo(List<(float Similarity, int Row)> candidates)
        {
            for (var i = 0; i < _count; i++)
            {
                candidates.Add((_similarities[i], _rows[i]));
            }
        }
    }
}
