"""A stand-in registry for the command's retry tests: it knows the reference cities, and the
tests add the one RPC they break."""

from services.common.errors import Aborted
from services.common.rich_status import to_grpc_status
from services.registry.domain.cities import REFERENCE_CITIES
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc, resources_pb2


class CitiesOnlyRegistry(registry_service_pb2_grpc.RegistryServiceServicer):
    def ListCities(self, request, context):
        return api.ListCitiesResponse(
            cities=[
                resources_pb2.City(
                    name=f"cities/{city.code}",
                    code=city.code,
                    urban_population=city.urban_population,
                )
                for city in REFERENCE_CITIES
            ]
        )


def abort(context, reason: str) -> None:
    """Ends the call with ABORTED and `reason` in its ErrorInfo, as the registry does."""
    context.abort_with_status(to_grpc_status(Aborted(f"aborted: {reason}", reason)))
