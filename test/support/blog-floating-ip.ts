/**
 * The blog's steps on the network-node fixture that give vm2 the floating IP 180.180.180.3 and let
 * ICMP in (run on the network node): what tests of ping, traceroute and ssh start from.
 */
export const BLOG_FLOATING_IP: readonly string[] = [
  'openstack network create --external --provider-network-type flat --provider-physical-network default public',
  'openstack subnet create --network public --subnet-range 180.180.180.0/24 --no-dhcp --gateway 180.180.180.1 --allocation-pool start=180.180.180.2,end=180.180.180.100 public-subnet',
  'openstack router set --external-gateway public my-router',
  'ovs-vsctl add-port br-ex eth3',
  'openstack floating ip create --floating-ip-address 180.180.180.3 public',
  'openstack server add floating ip vm2 180.180.180.3',
  'openstack security group rule create --proto icmp default',
];
