import Foundation

/// Maps data values on one axis to a fraction of the plot's extent and chooses round tick values
/// (1, 2 or 5 times a power of ten — Heckbert's "nice numbers"; powers of ten on a log axis).
///
/// ```swift
/// let scale = AxisScale(fitting: [0.13, 2.71])
/// scale.ticks          // [0, 0.5, 1, 1.5, 2, 2.5, 3]
/// scale.label(0.5)     // "0.5"
/// ```
public struct AxisScale: Sendable, Equatable {
    /// Linear or base-10 logarithmic.
    public enum Kind: Sendable, Equatable { case linear, logarithmic }

    /// The values at the two ends of the axis.
    public private(set) var domain: ClosedRange<Double>
    /// The kind of axis.
    public let kind: Kind
    /// The tick values, in increasing order, all inside ``domain``.
    public private(set) var ticks: [Double] = []
    /// The distance between linear ticks (decides how many decimals labels show).
    private var spacing = 1.0

    /// A scale whose domain covers `values` rounded outwards to tick values.
    /// Non-finite values (and non-positive ones on a log axis) are ignored; with nothing left the
    /// domain is [0, 1] (or [0.1, 1]).
    public init(fitting values: [Double], kind: Kind = .linear, tickCount: Int = 6, includingZero: Bool = false) {
        self.kind = kind
        var usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        if includingZero && kind == .linear { usable.append(0) }
        let low = usable.min() ?? (kind == .linear ? 0 : 0.1), high = usable.max() ?? 1
        domain = low...high
        switch kind {
        case .linear:
            let (lo, hi) = low == high ? (low - Swift.max(Swift.abs(low) / 2, 0.5), high + Swift.max(Swift.abs(high) / 2, 0.5)) : (low, high)
            spacing = AxisScale.niceNumber((hi - lo) / Double(Swift.max(tickCount - 1, 1)))
            domain = (Foundation.floor(lo / spacing + 1e-9) * spacing)...(Foundation.ceil(hi / spacing - 1e-9) * spacing)
        case .logarithmic:
            let lo = Foundation.floor(log10(low)), hi = Swift.max(Foundation.ceil(log10(high)), lo + 1)
            domain = pow(10, lo)...pow(10, hi)
        }
        ticks = makeTicks(tickCount: tickCount)
    }

    /// A linear scale over exactly `domain`, with round ticks inside it.
    public init(domain: ClosedRange<Double>, tickCount: Int = 6) {
        kind = .linear
        let width = domain.upperBound - domain.lowerBound
        self.domain = width > 0 ? domain : (domain.lowerBound - 0.5)...(domain.upperBound + 0.5)
        spacing = AxisScale.niceNumber((self.domain.upperBound - self.domain.lowerBound) / Double(Swift.max(tickCount - 1, 1)))
        ticks = makeTicks(tickCount: tickCount)
    }

    /// Where `value` lies along the axis: 0 at the lower end of the domain, 1 at the upper end.
    public func fraction(of value: Double) -> Double {
        switch kind {
        case .linear:
            return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .logarithmic:
            guard value > 0 else { return -.infinity }
            return (log10(value) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
    }

    /// A short label for a tick value: as many decimals as the tick spacing needs, or `2e-5` style
    /// on a log axis and on axes of very large or very small numbers.
    public func label(_ value: Double) -> String {
        let magnitude = Swift.abs(value)
        let largest = Swift.max(Swift.abs(domain.lowerBound), Swift.abs(domain.upperBound))
        if kind == .logarithmic || spacing < 1e-3 || largest >= 1e5 {
            if value == 0 { return "0" }
            let exponent = Int(Foundation.floor(log10(magnitude) + 1e-9))
            let mantissa = value / pow(10, Double(exponent))
            let digits = Swift.abs(mantissa.rounded() - mantissa) < 1e-6 ? "\(Int(mantissa.rounded()))" : String(format: "%.1f", mantissa)
            return exponent == 0 ? digits : "\(digits)e\(exponent)"
        }
        let decimals = Swift.max(0, Int(-Foundation.floor(log10(spacing) + 1e-9)))
        return String(format: "%.\(decimals)f", value)
    }

    private func makeTicks(tickCount: Int) -> [Double] {
        switch kind {
        case .linear:
            let first = Foundation.ceil(domain.lowerBound / spacing - 1e-9)
            let last = Foundation.floor(domain.upperBound / spacing + 1e-9)
            guard first <= last else { return [] }
            return stride(from: first, through: last, by: 1).map { $0 == 0 ? 0 : $0 * spacing }   // no −0
        case .logarithmic:
            let lo = Int(log10(domain.lowerBound).rounded()), hi = Int(log10(domain.upperBound).rounded())
            let step = Swift.max(1, (hi - lo + tickCount - 1) / Swift.max(tickCount, 1))
            return stride(from: hi, through: lo, by: -step).reversed().map { pow(10, Double($0)) }
        }
    }

    /// The "nice" number (1, 2, 5 or 10 times a power of ten) closest to `x`.
    static func niceNumber(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = Foundation.floor(log10(x))
        let fraction = x / pow(10, exponent)
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * pow(10, exponent)
    }
}
