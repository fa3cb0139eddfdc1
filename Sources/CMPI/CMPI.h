// Open MPI for Swift: <mpi.h>, plus functions returning the handles that mpi.h defines as cast
// macros (`MPI_COMM_WORLD` is `((MPI_Comm)&ompi_mpi_comm_world)`), which Swift cannot import.
#ifndef AXONE_CMPI_H
#define AXONE_CMPI_H

#include <mpi.h>

static inline MPI_Comm axone_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype axone_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype axone_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op axone_mpi_sum(void) { return MPI_SUM; }
static inline void *axone_mpi_in_place(void) { return MPI_IN_PLACE; }

#endif
