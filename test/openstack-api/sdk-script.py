#!/usr/bin/python3
"""A learner's openstacksdk script (Debian's openstacksdk 0.101): a network with a subnet, a router
with its gateway on ext-floating1 and an interface on the subnet, a port, a server on the port, a
floating IP on the port. The cloud is OS_CLOUD from OS_CLIENT_CONFIG_FILE (the learner's
clouds.yaml). Prints what it made, as JSON, for sdk.test.ts to find in the emulated CLI.
"""
import json

import openstack

conn = openstack.connect()
net = conn.network.create_network(name='sdk-net')
subnet = conn.network.create_subnet(name='sdk-subnet', network_id=net.id, ip_version=4, cidr='10.77.0.0/24')
ext = conn.network.find_network('ext-floating1', ignore_missing=False)
router = conn.network.create_router(name='sdk-router', external_gateway_info={'network_id': ext.id})
conn.network.add_interface_to_router(router, subnet_id=subnet.id)
port = conn.network.create_port(name='sdk-port', network_id=net.id)
image = conn.image.find_image('CirrOS 5.2', ignore_missing=False)
flavor = conn.compute.find_flavor('a1-ram2-disk20-perf1', ignore_missing=False)
server = conn.compute.create_server(name='sdk-vm', image_id=image.id, flavor_id=flavor.id, networks=[{'port': port.id}])
fip = conn.network.create_ip(floating_network_id=ext.id, port_id=port.id)
server = conn.compute.get_server(server.id)
print(json.dumps({
    'network': net.id,
    'subnet': subnet.id,
    'router': router.id,
    'gateway': conn.network.get_router(router.id).external_gateway_info['network_id'],
    'port': port.id,
    'port_ip': port.fixed_ips[0]['ip_address'],
    'server': server.id,
    'server_status': server.status,
    'fip': fip.floating_ip_address,
    'fip_port': fip.port_id,
    'fip_fixed': fip.fixed_ip_address,
}))
