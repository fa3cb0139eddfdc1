/// The generator of NumPy's legacy `np.random.seed(s)` / `np.random.uniform(0, 1)`: a Mersenne
/// Twister (MT19937, Matsumoto and Nishimura 1998) seeded with one 32-bit integer, whose doubles
/// take 53 bits from two 32-bit draws. ONNX's reference draws training-mode `Dropout` masks from
/// it, so `Dropout` with a `seed` attribute reproduces the reference's masks bit for bit.
struct NumPyLegacyGenerator {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// The state `np.random.seed(seed)` makes (Knuth's initialisation, as `init_genrand`).
    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// The next 32-bit output, tempered.
    mutating func next() -> UInt32 {
        if index == 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// A uniform double in [0, 1) from 27 and 26 bits of two draws (NumPy's `random_sample`).
    mutating func nextDouble() -> Double {
        let a = Double(next() >> 5), b = Double(next() >> 6)
        return (a * 67_108_864 + b) / 9_007_199_254_740_992
    }

    /// Regenerates the 624 words of state.
    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }
}
