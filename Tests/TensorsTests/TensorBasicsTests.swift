import Testing
import Tensors

@Suite struct TensorBasics {
    @Test func aTensorKeepsItsShapeAndRowMajorScalars() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.shape == [2, 3])
        #expect(x.rank == 2 && x.count == 6)
        #expect(x[1, 2] == 6)
        #expect(x[0, 1] == 2)
    }

    @Test func factoryInitialisersFillEveryScalar() {
        #expect(Tensor(zeros: [2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor(ones: [3]).scalars == [1, 1, 1])
        #expect(Tensor(repeating: 0.5, shape: [1, 2]).scalars == [0.5, 0.5])
        #expect(Tensor(7).shape == [] && Tensor(7).scalar == 7)
    }

    @Test func argmaxPicksTheLargestEntryOfEachRow() {
        let x = Tensor(shape: [2, 3], scalars: [0, 5, 1, 9, 2, 3])
        #expect(x.argmaxLastAxis() == [1, 0])
    }

    @Test func broadcastingAddsABiasToEveryRow() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor([10, 20, 30])
        #expect((x + b).scalars == [11, 22, 33, 14, 25, 36])
        let column = Tensor(shape: [2, 1], scalars: [1, 2])
        #expect((x * column).scalars == [1, 2, 3, 8, 10, 12])
    }

    @Test func reductionsDropOrKeepAxes() {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(x.sum(alongAxes: [0]).scalars == [4, 6])
        #expect(x.sum(alongAxes: [1], keepingDimensions: true).shape == [2, 1])
        #expect(x.mean().scalar == 2.5)
        #expect(x.max(alongAxes: [-1]).scalars == [2, 4])
    }

    @Test func matmulMultipliesMatrices() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        #expect(matmul(a, b).scalars == [58, 64, 139, 154])
        #expect(matmul(a, a, transposeB: true).scalars == [14, 32, 32, 77])
    }
}
