// Thin shim over Open MPI for MessagePassing. MPI's handles (MPI_COMM_WORLD, MPI_FLOAT,
// MPI_SUM, MPI_IN_PLACE) are macros that Swift cannot import; these inline functions
// return them. No stable API; imported only by MessagePassing.
#include <mpi.h>

static inline MPI_Comm emk_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype emk_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype emk_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype emk_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op emk_mpi_sum(void) { return MPI_SUM; }
static inline void *emk_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int emk_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline MPI_Request emk_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *emk_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Errhandler emk_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
